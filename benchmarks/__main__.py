"""`make bench`: run every benchmark and write JSON results to benchmarks/results/.

Usage: ``python -m benchmarks [NAME ...] [--sizes 10000,100000,1000000] [--repeat N]``.
Each benchmark runs in a fresh subprocess per measurement so that peak RSS is the
process's own, and reports medians over ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import generator

BENCHMARKS = {"generator": generator.run}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "names", nargs="*", help=f"Benchmarks to run (default: all of {list(BENCHMARKS)})."
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="Accounts per run.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per size (median kept).")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {list(BENCHMARKS)}")
    sizes = [int(s) for s in args.sizes.split(",")]
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name](sizes=sizes, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
