"""Turns `greenml train --model gpt --json` output into the markdown loss table of docs/gpt-kjv-run.md.
Usage: python3 tools/compare/gpt_run_table.py run.json"""
import json, sys

r = json.load(open(sys.argv[1]))
print("| step | minutes | train loss | validation loss | unigram baseline | energy so far (J) |")
print("|---:|---:|---:|---:|---:|---:|")
for h in r["history"]:
    print(f"| {h['step']} | {h['seconds'] / 60:.1f} | {h['train_loss']:.3f} | {h['validation_loss']:.3f} "
          f"| {h['unigram_loss']:.3f} | {h['energy_joules_so_far']:.0f} |")
