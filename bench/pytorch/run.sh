#!/usr/bin/env bash
# Runs the PyTorch reference at T=1 and T=2, each in its own process, and records the machine load.
#   bench/pytorch/run.sh [suffix]   ->  bench/results/pytorch-T{1,2}[suffix].jsonl / .log, load-pytorch.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
res="$here/../results"
suffix="${1:-}"
mkdir -p "$res"
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
for T in 1 2; do
  { echo "== before T=$T${suffix}: $(date -Is)"; uptime; ps -eo pcpu,etime,comm --sort=-pcpu | head -4; } >> "$res/load-pytorch.txt"
  /usr/bin/python3 "$here/seed_mlp.py" --threads "$T" > "$res/pytorch-T$T$suffix.jsonl" 2> "$res/pytorch-T$T$suffix.log"
  { echo "== after T=$T${suffix}: $(date -Is)"; uptime; } >> "$res/load-pytorch.txt"
done
