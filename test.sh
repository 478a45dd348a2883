#!/usr/bin/env bash
# Runs every test of every module with a JDK >= 25 (found the same way as the greenml launcher).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jdk="$("$root/greenml" --print-jdk)" || exit 3
export JAVA_HOME="$jdk"
cd "$root"
exec mvn -B -ntp test "$@"
