"""Postcode and place search: exact postcode lookups by binary search against pandas boolean filtering.

Both run in this process on the same shipped product (``data/postcodes/postcodes.parquet``), on the same random
sample of live postcodes, after one warm-up load; the result is the median time per lookup and the ratio. Also
timed: the first load of the index, a partial postcode ("B9") and a place-name search ("Moseley"). Writes
benchmarks/results-search.md.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.machine import describe

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 200


def _median_ms(fn, items) -> float:
    times = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main(argv: list[str]) -> int:
    from mapkit.data import postcodes
    from mapkit.analysis import search

    t = time.perf_counter()
    index = postcodes.postcode_index()
    load_s = time.perf_counter() - t
    rng = np.random.default_rng(13)
    frame = pd.read_parquet(ROOT / "data" / postcodes.PRODUCT)
    sample = list(frame["pcds"].iloc[rng.choice(len(frame), SAMPLE, replace=False)])
    postcodes.lookup(sample[0])
    ours_ms = _median_ms(postcodes.lookup, sample)
    index_ms = _median_ms(index.position, sample)
    baseline_ms = _median_ms(lambda pc: frame[frame["pcds"] == pc].iloc[0], sample[:40])
    partial_ms = _median_ms(postcodes.partial, ["B9"] * 20)
    t = time.perf_counter()
    search.place_table()
    places_load_s = time.perf_counter() - t
    place_ms = _median_ms(search.find_places, ["Moseley", "bordesley & highgate", "St Albans", "leeds"] * 5)
    size = (ROOT / "data" / postcodes.PRODUCT).stat().st_size
    lines = [
        "# Search benchmark (`python -m benchmarks search`)", "",
        describe(), "",
        f"Product `data/{postcodes.PRODUCT}`: {size / 1024 / 1024:.1f} MB ({len(index.keys):,} postcodes); "
        f"first load of the index {load_s:.2f} s (once per process).", "",
        "| what | median per query | vs pandas boolean filter |",
        "|---|---|---|",
        f"| pandas `frame[frame.pcds == pc]` (baseline, same process) | {baseline_ms:.2f} ms | 1.0x |",
        f"| binary search only (`PostcodeIndex.position`) | {index_ms:.4f} ms | "
        f"{baseline_ms / index_ms:,.0f}x faster |",
        f"| full lookup (`postcodes.lookup`: search, LSOA/ward/district/CA, lat/lon) | {ours_ms:.2f} ms | "
        f"{baseline_ms / ours_ms:,.0f}x faster |",
        f"| partial postcode `B9` (outward codes and sectors) | {partial_ms:.2f} ms | |",
        f"| place name (rapidfuzz WRatio over {len(search.place_table()[1]):,} names) | {place_ms:.1f} ms | |",
        "",
        f"Place table built once per process in {places_load_s:.2f} s. Budget: an exact lookup under 50 ms.",
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "benchmarks" / "results-search.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
