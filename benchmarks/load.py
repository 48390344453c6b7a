"""Time to load a level + indicator for all of England from data/, against reading the raw official files.

Each measurement runs in a fresh interpreter (cold: nothing cached), median of N runs. The baseline is the usual
approach: read the official boundary file and the indicator CSV and join them (what an analyst would do without
our products). Writes benchmarks/results-load.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.machine import describe

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "raw"
CASES = [("ca", "imd_score"), ("lad", "imd_score"), ("ward", "imd_score"), ("lsoa", "imd_score"),
         ("ward", "level4_qualifications"), ("lad", "gva_per_hour")]
OURS = """
import time; t=time.perf_counter()
import mapkit
f = mapkit.load_indicator({ind!r}, {level!r})
assert len(f) > 0
print(time.perf_counter()-t)
"""
IMPORT_ONLY = """
import time; t=time.perf_counter()
import mapkit, geopandas, pandas
print(time.perf_counter()-t)
"""
BASELINE = """
import time; t=time.perf_counter()
import geopandas as gpd, pandas as pd
g = gpd.read_file({geo!r})
iod = pd.read_csv({iod!r})
f = g.merge(iod, left_on={code!r}, right_on='LSOA code (2021)', how='left') if {code!r} == 'LSOA21CD' else g
print(time.perf_counter()-t)
"""
RAW_GEO = {"ca": ("cauth_may2025_bsc/CAUTH_MAY_2025_EN_BSC.geojson", "CAUTH25CD"),
           "lad": ("lad_dec2024_bsc/LAD_DEC_24_UK_BSC.geojson", "LAD24CD"),
           "ward": ("wards_may2024_bsc/WD_MAY_2024_UK_BSC.gpkg", "WD24CD"),
           "lsoa": ("lsoa21_bsc/LSOA_2021_EN_BSC_V4.gpkg", "LSOA21CD")}


def _time(code: str, runs: int) -> float:
    out = [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                                text=True).stdout.strip().splitlines()[-1]) for _ in range(runs)]
    return statistics.median(out)


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 3
    base_imports = _time(IMPORT_ONLY, runs)
    rows = []
    for level, ind in CASES:
        ours = _time(OURS.format(ind=ind, level=level), runs) - base_imports
        baseline = None
        if RAW.is_dir():
            geo, code = RAW_GEO[level]
            baseline = _time(BASELINE.format(geo=str(RAW / geo), iod=str(
                RAW / "iod2025/IoD2025_LSOA21_scores_ranks_deciles_File7_columns.csv"), code=code), runs) - base_imports
        rows.append((level, ind, ours, baseline))
    lines = ["# Loading a level + indicator for England", "", f"Machine: {describe()}", "",
             f"Cold start in a fresh interpreter, median of {runs} runs, library import time "
             f"({base_imports:.2f} s) subtracted. Baseline: read the raw official boundary file (and the IoD "
             "File 7 CSV) with geopandas/pandas and join.", "",
             "| level | indicator | ours (s) | baseline (s) | ours / baseline |", "|---|---|---|---|---|"]
    for level, ind, ours, baseline in rows:
        ratio = f"{ours / baseline:.2f}" if baseline else "n/a"
        lines.append(f"| {level} | {ind} | {ours:.3f} | {baseline:.3f} | {ratio} |" if baseline else
                     f"| {level} | {ind} | {ours:.3f} | n/a | n/a |")
    text = "\n".join(lines) + "\n"
    (Path(__file__).parent / "results-load.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
