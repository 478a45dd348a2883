#!/usr/bin/env bash
# JMH microbenchmarks of greenml's kernels (greenml-bench/src/main/java/dev/greenml/bench/jmh).
#   bench/jmh.sh                               GemmJmh: 1024³ sgemm, backends java and blas, 1 thread
#   bench/jmh.sh GemmJmh -p threads=2          any JMH arguments (regexp of benchmarks, -p, -f, -wi, -i …)
# The result is also written as JSON to results/jmh-<first argument>.json. GFLOP/s = 2147.5 / (ms per op).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
jdk="$("$root/greenml" --print-jdk)"
"$root/greenml" --version >/dev/null          # builds when sources changed (the JMH jar rides in lib/)
args=("$@")
[[ ${#args[@]} -eq 0 ]] && args=(GemmJmh -p backend=java,blas -p threads=1)
mkdir -p "$here/results"
{ echo "== $(date -Is) jmh ${args[*]}"; uptime; } >> "$here/results/load-jmh.txt"
exec "$jdk/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$root/greenml-cli/target/lib/*" org.openjdk.jmh.Main "${args[@]}" \
  -rf json -rff "$here/results/jmh-${args[0]}.json"
