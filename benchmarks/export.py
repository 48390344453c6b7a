"""Time the exports: one combined-authority ward map as PNG (target under 3 s), PDF/SVG, the briefing pack, and
``--all-cas`` for PNG; writes benchmarks/results-export.md.

Each run is a fresh interpreter. "Cold" includes reading the data products and the first matplotlib draw (what
``python -m mapkit export`` pays, minus interpreter and import time, reported apart); "warm" repeats the export in
the same process (what the app pays once its data are loaded). The baseline, measured in the same process, is the
plain approach: ``GeoDataFrame.plot(column="value")`` on the same areas, same page size and dpi, saved as PNG with
no legend, outlines, footer or projection, so the ratio is the cost of the finished page.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.machine import describe

ROOT = Path(__file__).resolve().parent.parent
REGION, LEVEL, INDICATOR = "E47000007", "ward", "imd_score"

RUN = f"""
import json, time
t0 = time.perf_counter()
import mapkit, geopandas
from mapkit.export import FigureOptions, prepare, render
from mapkit.view import View
from mapkit.export import static, pack, html  # noqa: F401  (import cost counted here, not in the first export)
t1 = time.perf_counter()
view = View(region={REGION!r}, level={LEVEL!r}, indicator={INDICATOR!r})
out = {{"import": t1 - t0}}

def timed(name, fn):
    t = time.perf_counter(); payload = fn(); out[name] = time.perf_counter() - t; return payload

timed("png_cold", lambda: render(prepare(view), "png", FigureOptions()))
data = prepare(view)
timed("png_warm", lambda: render(prepare(view), "png", FigureOptions()))
timed("png_warm_labels_overlays", lambda: render(prepare(View(region={REGION!r}, level={LEVEL!r},
      indicator={INDICATOR!r}, overlays=("growth_locations", "transport_schemes"))), "png", FigureOptions(labels=5)))
timed("pdf", lambda: render(data, "pdf"))
timed("svg", lambda: render(data, "svg"))
timed("html", lambda: render(data, "html"))
timed("pack", lambda: render(data, "pack"))
timed("lsoa_png", lambda: render(prepare(View(region={REGION!r}, level="lsoa", indicator={INDICATOR!r})), "png"))

import io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
def baseline():
    frame = mapkit.load_indicator({INDICATOR!r}, {LEVEL!r}, {REGION!r})
    fig, ax = plt.subplots(figsize=(297 / 25.4, 210 / 25.4))
    frame.plot(column="value", cmap="Reds", ax=ax)
    buffer = io.BytesIO(); fig.savefig(buffer, format="png", dpi=300); plt.close(fig)
    return buffer.getvalue()
timed("baseline_png_first", baseline)
timed("baseline_png", baseline)
print(json.dumps(out))
"""


def _run(runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", RUN], cwd=ROOT, check=True, capture_output=True, text=True)
        for key, value in json.loads(result.stdout.strip().splitlines()[-1]).items():
            samples.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in samples.items()}


def _all_cas(fmt: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mapkit", "export", "--all-cas", "--level", LEVEL, "--indicator",
                        INDICATOR, "--format", fmt, "-o", folder], cwd=ROOT, check=True, capture_output=True)
        elapsed = time.perf_counter() - start
        return elapsed, len(list(Path(folder).iterdir()))


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 3
    t = _run(runs)
    cas_png, n_png = _all_cas("png")
    cas_csv, n_csv = _all_cas("csv")
    verdict = "meets" if t["png_cold"] < 3.0 else "MISSES"
    rows = [
        ("West Midlands wards, PNG 300 dpi A4, cold (data read + first draw)", t["png_cold"]),
        ("same, warm (data loaded, as in the app)", t["png_warm"]),
        ("same with both overlays and 5 + 5 labels, warm", t["png_warm_labels_overlays"]),
        ("PDF (vector), warm", t["pdf"]),
        ("SVG, warm", t["svg"]),
        ("HTML (standalone folium page), warm", t["html"]),
        ("Briefing pack PDF (map + summary + tables), warm", t["pack"]),
        ("West Midlands LSOAs (1,700 areas), PNG 300 dpi, warm", t["lsoa_png"]),
        ("Baseline: GeoDataFrame.plot + savefig PNG 300 dpi A4, first", t["baseline_png_first"]),
        ("Baseline: same, second", t["baseline_png"]),
    ]
    lines = ["# Export speed", "", f"Machine: {describe()}", "",
             f"Median of {runs} fresh interpreters; imports ({t['import']:.2f} s: mapkit, geopandas, matplotlib, "
             "folium) are not included below. Target: one combined-authority ward PNG under 3 s; this run "
             f"{verdict} it ({t['png_cold']:.2f} s cold, {t['png_warm']:.2f} s warm).", "",
             "| export | seconds |", "|---|---|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in rows]
    lines += ["", f"Ours / baseline (warm PNG, same dpi and page): **{t['png_warm'] / t['baseline_png']:.2f}**. "
              "The baseline draws the polygons only; ours adds the parent and region outlines, the context "
              "districts, legend, title, footer, scale bar and north arrow, and reprojects to British National Grid.",
              "", "## `--all-cas` (whole command, fresh interpreter, imports included)", "",
              "| format | files | total (s) | per combined authority (s) |", "|---|---|---|---|",
              f"| png (300 dpi, wards) | {n_png} | {cas_png:.1f} | {cas_png / n_png:.2f} |",
              f"| csv (wards) | {n_csv} | {cas_csv:.1f} | {cas_csv / n_csv:.2f} |", "",
              "Reproduce: `python -m benchmarks export [RUNS]`."]
    text = "\n".join(lines) + "\n"
    (Path(__file__).parent / "results-export.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
