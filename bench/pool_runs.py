"""Pools several side-by-side runs (directories of greenml-T{T}.r{N}.jsonl / pytorch-T{T}.r{N}.jsonl):
per figure, the median over all rounds of greenml's and PyTorch's round medians, and the median, min and
max of the paired per-round ratios (greenml and PyTorch of the same round ran minutes apart).

    python3 bench/pool_runs.py bench/results/rounds-2324 bench/results/rounds
"""
import glob
import json
import statistics as st
import sys

FIGURES = [("train_throughput", 1), ("train_throughput", 32), ("train_throughput", 256), ("train_throughput", 1024),
           ("infer_latency", 1), ("infer_throughput", 1024)]


def round_medians(dirs, impl, threads, metric, batch):
    out = []
    for d in dirs:
        for f in sorted(glob.glob(f"{d}/{impl}-T{threads}.r*.jsonl")):
            for line in open(f):
                x = json.loads(line)
                if x.get("metric") == metric and x.get("batch") == batch:
                    out.append(x["median"])
    return out


def main(dirs):
    print("| T | figure | batch | greenml | PyTorch | ratio of medians | paired ratios: median (min–max) | rounds |")
    print("|---|---|---|---:|---:|---|---|---|")
    for t in (1, 2):
        for metric, batch in FIGURES:
            g, p = round_medians(dirs, "greenml", t, metric, batch), round_medians(dirs, "pytorch", t, metric, batch)
            if not g or len(g) != len(p):
                continue
            r = [a / b for a, b in zip(g, p)]
            print(f"| {t} | {metric} | {batch} | {st.median(g):,.0f} | {st.median(p):,.0f} | {st.median(g) / st.median(p):.2f}× "
                  f"| {st.median(r):.2f}× ({min(r):.2f}–{max(r):.2f}) | {len(g)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
