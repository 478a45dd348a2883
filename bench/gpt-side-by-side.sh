#!/usr/bin/env bash
# greenml's GPT against PyTorch, side by side (docs/gpt.md, "Performance against PyTorch"):
# ROUNDS rounds at THREADS threads of [greenml BEFORE], greenml, PyTorch, each its own process.
#
#   bench/gpt-side-by-side.sh ROUNDS THREADS [OUT_DIR]
#   BEFORE=/path/to/older/checkout bench/gpt-side-by-side.sh 4 1     also runs an older greenml
#                                                                   (git worktree add DIR COMMIT)
# Writes OUT_DIR/{before,new,torch}-T<THREADS>.r<N>.jsonl and OUT_DIR/load.txt, then prints medians.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
rounds="${1:?rounds}"; threads="${2:?threads}"
out="${3:-$here/results/gpt-$(date +%Y-%m-%d)}"
mkdir -p "$out"
args=(--layers 4 --heads 4 --width 160 --context 128 --vocab 512 --batch 16 --steps 10 --tokens 200
      --repeats 3 --threads "$threads")
"$root/greenml" --version >/dev/null                       # build first, outside the timed runs
[[ -n "${BEFORE:-}" ]] && "$BEFORE/greenml" --version >/dev/null
for r in $(seq 1 "$rounds"); do
  { echo "== round $r T=$threads $(date -Is)"; uptime; } >> "$out/load.txt"
  if [[ -n "${BEFORE:-}" ]]; then
    "$BEFORE/greenml" bench gpt --backend blas "${args[@]}" 2>/dev/null > "$out/before-T$threads.r$r.jsonl"
  fi
  "$root/greenml" bench gpt --backend blas "${args[@]}" 2>/dev/null > "$out/new-T$threads.r$r.jsonl"
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    /usr/bin/python3 "$root/tools/compare/gpt_torch.py" "${args[@]}" 2>/dev/null > "$out/torch-T$threads.r$r.jsonl"
done
python3 - "$out" "$threads" <<'PY'
import glob, json, statistics as st, sys
out, t = sys.argv[1], sys.argv[2]
for impl in ("before", "new", "torch"):
    m = {}
    for f in sorted(glob.glob(f"{out}/{impl}-T{t}.r*.jsonl")):
        for line in open(f):
            d = json.loads(line)
            m.setdefault(d["measure"], []).append(d)
    if not m:
        continue
    cells = []
    for measure, rows in m.items():
        v = [r["tokens_per_second"] for r in rows]
        cells.append(f"{measure} {st.median(v):,.0f} tokens/s ({min(v):,.0f}-{max(v):,.0f}, n={len(v)})")
    print(f"T={t} {impl}: " + "; ".join(cells))
PY
