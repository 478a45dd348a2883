#!/usr/bin/env python3
"""Pool several runs (rounds) of one implementation at one thread count into one .jsonl (stdlib only).

    python3 bench/merge_rounds.py out.jsonl round1.jsonl round2.jsonl ...

Rounds are separate processes run interleaved with another implementation's (bench/run-side-by-side.sh),
so that load from other processes on a shared machine hits both alike. For every metric line (keyed by
metric, batch, shape) the pooled line keeps the protocol fields and sets:
  median        the median of the rounds' medians (one disturbed round cannot move it far)
  min, max      the extremes over every repeat of every round
  values        every repeat of every round, in run order
  round_medians each round's median, in run order; rounds: how many
Lines with a single figure (model_file_size, final_mse) take the median over rounds of each number.
run_info lines are kept from every round (they carry the data fingerprints and load at start).
"""
import json
import statistics
import sys


def key(rec):
    return (rec.get("metric"), rec.get("batch"), rec.get("shape"))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out_path, paths = argv[1], argv[2:]
    rounds = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            rounds.append([json.loads(l) for l in f if l.strip().startswith("{")])
    merged, order, info = {}, [], []
    for r, recs in enumerate(rounds):
        for rec in recs:
            if str(rec.get("metric", "")).startswith("run_info"):
                info.append(dict(rec, round=r + 1))
                continue
            k = key(rec)
            if k not in merged:
                merged[k] = []
                order.append(k)
            merged[k].append(rec)
    with open(out_path, "w", encoding="utf-8") as out:
        for rec in info:
            out.write(json.dumps(rec) + "\n")
        for k in order:
            recs = merged[k]
            m = dict(recs[0])
            if "median" in m:
                meds = [x["median"] for x in recs]
                m["median"] = statistics.median(meds)
                m["min"] = min(x["min"] for x in recs)
                m["max"] = max(x["max"] for x in recs)
                m["values"] = [v for x in recs for v in x.get("values", [])]
                m["round_medians"] = meds
            else:
                for field, v in m.items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool) and field not in ("threads", "batch", "epochs"):
                        vals = [x[field] for x in recs if field in x]
                        m[field] = statistics.median(vals)
                        if len(set(vals)) > 1:
                            m[field + "_rounds"] = vals
            m["rounds"] = len(recs)
            out.write(json.dumps(m) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
