#!/usr/bin/env python3
"""The same five programs in SynQ and in Python 3, timed side by side (median of N runs each,
interleaved so both see the same machine load). Prints seconds and the ratio synq / python;
below 1.0 means SynQ is faster.

Usage: python3 benchmarks/interpreter/compare.py [runs]   (needs .build/release/synq)
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SYNQ = os.path.join(HERE, "..", "..", ".build", "release", "synq")
PROGRAMS = [
    ("fib", "recursive fib(27)"),
    ("loop", "10 000 000-iteration arithmetic loop"),
    ("strings", "a string from 100 000 pieces"),
    ("sort", "sorting 1 000 000 Ints"),
    ("words", "counting words of 5 MB of text in a Map"),
]


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, out


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"{'program':44} {'synq s':>8} {'python s':>9} {'ratio':>6}")
    for name, label in PROGRAMS:
        synq_times, py_times = [], []
        for _ in range(runs):
            t, out_s = timed([SYNQ, "run", os.path.join(HERE, name + ".synq")])
            synq_times.append(t)
            t, out_p = timed(["python3", os.path.join(HERE, name + ".py")])
            py_times.append(t)
            assert out_s == out_p, f"{name}: outputs differ: {out_s!r} vs {out_p!r}"
        s, p = statistics.median(synq_times), statistics.median(py_times)
        print(f"{label:44} {s:8.3f} {p:9.3f} {s / p:6.2f}")


if __name__ == "__main__":
    main()
