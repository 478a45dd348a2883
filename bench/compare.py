#!/usr/bin/env python3
"""Merge peer-baseline JSON-lines results into one markdown table (stdlib only).

    python3 bench/compare.py bench/results/greenml-T1.jsonl bench/results/pytorch-T1.jsonl
    python3 bench/compare.py --target greenml --base pytorch results/*-T2.jsonl

Each input line is one JSON object as written by the protocol (docs/bench-protocol.md): suite, impl,
impl_version, blas, threads, metric, and batch/shape, unit, median, min, max, values. Rows are
(threads, metric, batch or shape); one column per implementation shows the median (min–max); the
last column is the ratio target/base of the medians (greenml/pytorch by default). "better" says
whether a higher (↑) or lower (↓) figure is better, so a ratio > 1 is a win only for ↑ rows.
Lines that are not JSON, or whose metric starts with "run_info", are skipped.
"""
import argparse
import json
import sys

ORDER = ["train_throughput", "infer_latency", "infer_throughput", "epoch_time", "final_mse.test_mse",
         "final_mse.train_mse", "model_file_size", "save_time", "load_time", "sgemm"]
LOWER_IS_BETTER = {"infer_latency", "epoch_time", "final_mse.test_mse", "final_mse.train_mse",
                   "model_file_size", "save_time", "load_time"}


# Time units are converted to the row's unit (the first implementation's) before printing and ratios:
# implementations may report save/load time in s or us.
TO_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


def convert(v, unit, to):
    if v is None or unit == to or unit not in TO_SECONDS or to not in TO_SECONDS:
        return v
    return v * TO_SECONDS[unit] / TO_SECONDS[to]


def fmt(v, unit=""):
    if isinstance(v, int) and unit == "bytes":
        return f"{v:,}"
    if v is None:
        return "–"
    if isinstance(v, bool):
        return str(v)
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e5:
        return f"{v / 1e3:,.0f}k"
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:.2f}"
    if a >= 0.01:
        return f"{v:.4f}"
    return f"{v:.3g}"


def records(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                print(f"warning: {path}:{n}: not JSON, skipped", file=sys.stderr)
                continue
            if not isinstance(rec, dict) or str(rec.get("metric", "")).startswith("run_info"):
                continue
            yield rec


def expand(rec):
    """One protocol record -> (metric key, sub-key, unit, median, min, max) rows."""
    metric = rec["metric"]
    sub = rec.get("batch", rec.get("shape", ""))
    if metric == "sgemm" and "m" in rec:
        sub = f"{rec['m']}×{rec['k']}×{rec['n']}"
    if metric == "final_mse":
        for k in ("test_mse", "train_mse"):
            if k in rec:
                yield f"final_mse.{k}", sub, "MSE", rec[k], None, None
        return
    if "median" in rec:
        yield metric, sub, rec.get("unit", ""), rec["median"], rec.get("min"), rec.get("max")
    elif "value" in rec:
        yield metric, sub, rec.get("unit", ""), rec["value"], None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help=".jsonl result files")
    ap.add_argument("--target", default="greenml", help="numerator of the ratio column (default greenml)")
    ap.add_argument("--base", default="pytorch", help="denominator of the ratio column (default pytorch)")
    ap.add_argument("--no-range", action="store_true", help="medians only, without (min–max)")
    a = ap.parse_args()

    table = {}    # (threads, metric, sub) -> {impl: (unit, med, lo, hi)}
    impls = []    # column order: first appearance
    sources = {}  # (impl, threads) -> (version, blas, file)
    for path in a.files:
        for rec in records(path):
            impl, threads = rec.get("impl", "?"), rec.get("threads", "?")
            if impl not in impls:
                impls.append(impl)
            src = (rec.get("impl_version", "?"), rec.get("blas", "?"), path)
            if sources.setdefault((impl, threads), src) != src:
                print(f"warning: {impl} T={threads} appears in several files/versions; later lines win",
                      file=sys.stderr)
                sources[(impl, threads)] = src
            for metric, sub, unit, med, lo, hi in expand(rec):
                table.setdefault((threads, metric, sub), {})[impl] = (unit, med, lo, hi)

    if not table:
        print("no results found", file=sys.stderr)
        return 1

    def sort_key(k):
        threads, metric, sub = k
        mi = ORDER.index(metric) if metric in ORDER else len(ORDER)
        if isinstance(sub, (int, float)):
            sk = (0, (sub,), "")
        else:
            parts = str(sub).split("×")
            sk = (1, tuple(int(p) for p in parts), "") if all(p.isdigit() for p in parts) else (2, (), str(sub))
        return (str(threads), mi, metric, sk)

    show_ratio = a.target in impls and a.base in impls
    head = ["T", "metric", "batch", "unit", "better"] + impls + ([f"{a.target}/{a.base}"] if show_ratio else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] * 5 + ["---:"] * (len(head) - 5)) + "|")
    for key in sorted(table, key=sort_key):
        threads, metric, sub = key
        cells = table[key]
        unit = next(iter(cells.values()))[0]
        row = [str(threads), metric, str(sub), unit, "↓" if metric in LOWER_IS_BETTER else "↑"]
        for impl in impls:
            if impl not in cells:
                row.append("–")
                continue
            u, med, lo, hi = cells[impl]
            med, lo, hi = (convert(x, u, unit) for x in (med, lo, hi))
            s = fmt(med, unit)
            if not a.no_range and lo is not None and hi is not None and lo != hi:
                s += f" ({fmt(lo, unit)}–{fmt(hi, unit)})"
            row.append(s)
        if show_ratio:
            t, b = cells.get(a.target), cells.get(a.base)
            if t and b and isinstance(t[1], (int, float)) and isinstance(b[1], (int, float)) and b[1]:
                row.append(f"{convert(t[1], t[0], unit) / convert(b[1], b[0], unit):.2f}×")
            else:
                row.append("–")
        print("| " + " | ".join(row) + " |")

    print()
    for (impl, threads), (version, blas, path) in sorted(sources.items(), key=lambda kv: (str(kv[0][1]), kv[0][0])):
        print(f"- {impl} {version}, BLAS {blas}, T={threads}: `{path}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
