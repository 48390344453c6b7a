"""Dispatch ``python -m benchmarks NAME`` to ``benchmarks/NAME.py``'s ``main()``."""

import importlib
import sys

NAMES = ("cpu", "load", "app_map", "export", "map_vs_explore", "loadtest", "hostile", "search", "speed", "own_area")

if len(sys.argv) < 2 or sys.argv[1] not in NAMES:
    print(f"usage: python -m benchmarks {{{','.join(NAMES)}}}", file=sys.stderr)
    raise SystemExit(2)
raise SystemExit(importlib.import_module(f"benchmarks.{sys.argv[1]}").main(sys.argv[2:]))
