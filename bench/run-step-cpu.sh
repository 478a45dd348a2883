#!/usr/bin/env bash
# One-thread training steps of the seed model, greenml (dev.greenml.bench.StepProfile, blas) against
# PyTorch (bench/pytorch/step_cpu.py), compared on the training thread's CPU time per step, which a
# loaded machine disturbs far less than wall time. ROUNDS rounds, the two alternating, each its own
# process; prints the per-round lines and then the median over rounds per batch size and the ratio.
#   bench/run-step-cpu.sh [ROUNDS]      (default 5; ~30 s a round)  ->  results/step-cpu.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
rounds="${1:-5}"
out="$here/results/step-cpu.txt"
jdk="$("$root/greenml" --print-jdk)"
"$root/greenml" --version >/dev/null
: > "$out"
for r in $(seq 1 "$rounds"); do
  { echo "== round $r $(date -Is)"; uptime; } >> "$out"
  "$jdk/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
      -cp "$root/greenml-cli/target/lib/*" dev.greenml.bench.StepProfile blas 1 2>/dev/null >> "$out"
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "$here/pytorch/step_cpu.py" >> "$out"
done
python3 - "$out" <<'PY' | tee -a "$out"
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\w+) T=1 b=(\d+) .*?=> (\d+) samples/s cpu.*infer b=1 ([\d.]+) us cpu", line)
    if m:
        impl = "pytorch" if m.group(1) == "pytorch" else "greenml"
        rows.setdefault((int(m.group(2)), impl), []).append((int(m.group(3)), float(m.group(4))))
print("\nmedian over rounds (min-max), samples/s of training-thread CPU time, T=1")
for b in sorted({k[0] for k in rows}):
    g, p = rows.get((b, "greenml"), []), rows.get((b, "pytorch"), [])
    if not g or not p:
        continue
    gm, pm = statistics.median(x[0] for x in g), statistics.median(x[0] for x in p)
    print(f"b={b:<5} greenml {gm:>8.0f} ({min(x[0] for x in g)}-{max(x[0] for x in g)})"
          f"  pytorch {pm:>8.0f} ({min(x[0] for x in p)}-{max(x[0] for x in p)})  ratio {gm / pm:.2f}x")
g = [x[1] for k, v in rows.items() if k[1] == "greenml" for x in v]
p = [x[1] for k, v in rows.items() if k[1] == "pytorch" for x in v]
print(f"infer b=1 CPU us: greenml {statistics.median(g):.1f}  pytorch {statistics.median(p):.1f}")
PY
