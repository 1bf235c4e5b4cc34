"""`make bench`: run every benchmark and write JSON results to benchmarks/results/.

Usage: ``python -m benchmarks [NAME ...] [--sizes N,N,...] [--repeat N]``.
Each benchmark runs in a fresh subprocess per measurement so that peak RSS is the
process's own, and reports medians over ``--repeat`` runs. Sizes mean something
different per benchmark — accounts for ``generator``, ``metrics`` and ``forecast``, source
records for ``resolution``, rows for ``ingest`` — so each has its own ``DEFAULT_SIZES``;
``--sizes`` overrides them for every benchmark named.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from benchmarks import forecast, generator, ingest, load, metrics, resolution

MODULES: dict[str, ModuleType] = {
    "generator": generator,
    "resolution": resolution,
    "ingest": ingest,
    "metrics": metrics,
    "load": load,
    "forecast": forecast,
}
BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {
    name: module.run for name, module in MODULES.items()
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "names", nargs="*", help=f"Benchmarks to run (default: all of {list(BENCHMARKS)})."
    )
    defaults = ", ".join(
        f"{name} {','.join(map(str, module.DEFAULT_SIZES))}" for name, module in MODULES.items()
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help=f"Sizes per run, comma-separated (default per benchmark: {defaults}).",
    )
    parser.add_argument("--repeat", type=int, default=3, help="Runs per size (median kept).")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {list(BENCHMARKS)}")
    given = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    for name in args.names or BENCHMARKS:
        sizes = given or list(MODULES[name].DEFAULT_SIZES)
        BENCHMARKS[name](sizes=sizes, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
