#!/usr/bin/env python3
"""Times the SynQ kernel and ipykernel side by side with the workplace's kernel_bench.py and
prints each metric with the ratio synq / python3 (below 1.0 means SynQ is better).

Usage: .venv/bin/python benchmarks/kernel/compare.py [--runs 5] [kernel_bench options]
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CANDIDATES = [os.environ.get("KERNEL_BENCH", ""), os.path.join(ROOT, "..", "shared", "bench", "kernel_bench.py")]
BENCH = next((p for p in CANDIDATES if p and os.path.exists(p)), None)
if BENCH is None:
    sys.exit("kernel_bench.py not found: set KERNEL_BENCH=/path/to/kernel_bench.py")

METRICS = [
    ("start_to_kernel_info_s", "start to first kernel_info_reply", "s", 0.1),
    ("exec_reply_median_ms", "'1 + 1' round trip, median (reply)", "ms", 1.0),
    ("exec_idle_median_ms", "'1 + 1' round trip, median (idle)", "ms", None),
    ("print_lines_to_idle_s", "100 000 printed lines to idle", "s", 0.3),
    ("print_lines_received", "lines received", "", None),
    ("print_stream_msgs", "stream messages for them", "", None),
    ("rss_tree_MiB", "resident memory after start", "MiB", 20),
]


def run(kernel, extra):
    out = tempfile.mktemp(suffix=".json")
    subprocess.run([sys.executable, BENCH, kernel, "--json", out] + extra, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def pick(result, key):
    summary = result.get("median", result)
    if key in summary:
        return summary[key]
    for k, v in summary.items():
        if k.startswith(key):
            return v
    return None


def main():
    extra = sys.argv[1:] or ["--runs", "5"]
    synq, python = run("synq", extra), run("python3", extra)
    print(f"{'metric':44} {'synq':>10} {'ipykernel':>10} {'ratio':>7}  goal")
    for key, label, unit, goal in METRICS:
        a, b = pick(synq, key), pick(python, key)
        if a is None or b is None:
            continue
        ratio = a / b if b else float("nan")
        goal_text = f"<= {goal} {unit}" if goal is not None else ""
        print(f"{label:44} {a:10.4g} {b:10.4g} {ratio:7.3f}  {goal_text}")
    print("\nfull results:", json.dumps({"synq": synq, "python3": python})[:4000])


if __name__ == "__main__":
    main()
