#!/usr/bin/env bash
# greenml and PyTorch side by side under the protocol (docs/bench-protocol.md), on this machine:
# for T=1 then T=2, ROUNDS rounds of "greenml, then PyTorch", each run its own process, so both
# see the same load (A/B/A/B). `uptime` is recorded before every run into results/load-side-by-side.txt.
#
#   bench/run-side-by-side.sh [ROUNDS]        (default 3; about 1.5 min per run, so ~18 min for 3)
#   QUICK=1 bench/run-side-by-side.sh 1       smoke test of the script (figures meaningless)
#
# Writes results/rounds/{greenml,pytorch}-T{1,2}.r{N}.jsonl (+ .log), the pooled
# results/greenml-T{1,2}.jsonl and results/pytorch-T{1,2}.sbs.jsonl (bench/merge_rounds.py: median of
# the round medians, min/max over all repeats), and the table results/side-by-side.md (bench/compare.py).
# The earlier PyTorch-only recording (results/pytorch-T{1,2}.jsonl) is left as it is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
res="$here/results"
rounds="${1:-3}"
quick=()
[[ "${QUICK:-0}" == "1" ]] && quick=(--quick)
mkdir -p "$res/rounds"
load="$res/load-side-by-side.txt"
: > "$load"

# Build once up front, so no run pays for (or is disturbed by) a build.
"$root/greenml" --version >/dev/null

note() { { echo "== $1: $(date -Is)"; uptime; ps -eo pcpu,comm --sort=-pcpu | sed -n 2,4p; } >> "$load"; }

for T in 1 2; do
  for r in $(seq 1 "$rounds"); do
    note "greenml T=$T round $r"
    "$root/greenml" bench seed-mlp --backend blas --threads "$T" "${quick[@]}" \
        > "$res/rounds/greenml-T$T.r$r.jsonl" 2> "$res/rounds/greenml-T$T.r$r.log"
    note "pytorch T=$T round $r"
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
      /usr/bin/python3 "$here/pytorch/seed_mlp.py" --threads "$T" "${quick[@]}" \
        > "$res/rounds/pytorch-T$T.r$r.jsonl" 2> "$res/rounds/pytorch-T$T.r$r.log"
  done
  note "after T=$T"
  python3 "$here/merge_rounds.py" "$res/greenml-T$T.jsonl" $(seq -f "$res/rounds/greenml-T$T.r%g.jsonl" 1 "$rounds")
  python3 "$here/merge_rounds.py" "$res/pytorch-T$T.sbs.jsonl" $(seq -f "$res/rounds/pytorch-T$T.r%g.jsonl" 1 "$rounds")
done

{
  echo "# greenml vs PyTorch, side by side ($(date -I), $rounds rounds per thread count)"
  echo
  echo "Each cell: median of the rounds' medians (min–max over every repeat of every round)."
  echo "Load during the runs: \`results/load-side-by-side.txt\`."
  echo
  cd "$here"
  python3 compare.py results/greenml-T1.jsonl results/pytorch-T1.sbs.jsonl \
                     results/greenml-T2.jsonl results/pytorch-T2.sbs.jsonl
} > "$res/side-by-side.md"
echo "wrote $res/side-by-side.md" >&2
