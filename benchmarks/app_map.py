"""Bytes sent and server-side build time of the app's map, against ``GeoDataFrame.explore()`` of the same data.

For each view: the standalone HTML page of the map, the payload streamlit-folium sends (main script, layer
scripts, layer control, header), and the usual approach's HTML (``explore()`` of the joined GeoDataFrame, all
columns, full precision). Build time is server side only: load, classify, build the folium layers and turn them
into streamlit-folium's strings, as one rerun of the app does. "First" includes serialising the geometry for the
view (once per process); "indicator change" is the median over changes to indicators not shown before (warm
geometry, cold classification). Writes ``benchmarks/results-app-map.md``. Run: ``python -m benchmarks app_map``.
"""

from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path

from benchmarks.machine import describe
from mapkit.view import View
from mapkit.web.webmap import WebMap, build_map

CASES = [("West Midlands wards", "ward", "E47000007"), ("England wards", "ward", "E92000001"),
         ("West Midlands LSOAs", "lsoa", "E47000007")]
INDICATORS = ["imd_score", "income_score", "employment_score", "education_score", "health_score", "crime_score",
              "barriers_score", "living_environment_score"]


def build(indicator: str, level: str, region: str) -> WebMap:
    """The app's map of ``indicator`` in quantiles for the areas of ``level`` in ``region``."""
    return build_map(View(region=region, level=level, indicator=indicator, scheme="quantiles"))


def component_payload(view: WebMap) -> int:
    """Bytes of the strings streamlit-folium sends for a map (as ``st_folium`` builds them)."""
    from streamlit_folium import (_get_feature_group_string, _get_header, _get_html, _get_layer_control_string,
                                  _get_map_string)

    base = view.base
    base.get_root().render()
    html, header = _get_html(base), _get_header(base)
    script = _get_map_string(base)
    layers = "".join(_get_feature_group_string(group, base, i) for i, group in enumerate(view.layers))
    control = _get_layer_control_string(view.layer_control(), base)
    return sum(len(s.encode()) for s in (html, header, script, layers, control))


def rerun(indicator: str, level: str, region: str) -> float:
    """Seconds for one rerun of the app's map: load, classify, build, streamlit-folium strings."""
    start = time.perf_counter()
    component_payload(build(indicator, level, region))
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    warnings.simplefilter("ignore")
    import mapkit

    rows = []
    for label, level, region in CASES:
        first = rerun("imd_score", level, region)
        changes = [rerun(ind, level, region) for ind in INDICATORS[1:]]
        page = len(build("imd_score", level, region).to_map().get_root().render().encode())
        payload = component_payload(build("imd_score", level, region))
        start = time.perf_counter()
        baseline = len(mapkit.load_indicator("imd_score", level, region).explore().get_root().render().encode())
        baseline_time = time.perf_counter() - start
        rows.append((label, page, payload, baseline, first, statistics.median(changes), baseline_time))
    lines = ["# The app's map: bytes sent and server-side build time", "", f"Machine: {describe()}", "",
             "Ours: canvas map, quantised delta-encoded geometry cached per view, per-area arrays for colours and "
             "tooltips. Baseline: `GeoDataFrame.explore()` of `mapkit.load_indicator(...)` (every column, full "
             "precision). Times are server side (no browser), seconds.", "",
             "| view | HTML page (bytes) | streamlit-folium payload (bytes) | explore() HTML (bytes) | page / baseline "
             "| first build (s) | indicator change, median (s) | explore() build (s) |",
             "|---|---|---|---|---|---|---|---|"]
    for label, page, payload, baseline, first, change, baseline_time in rows:
        lines.append(f"| {label} | {page:,} | {payload:,} | {baseline:,} | {page / baseline:.3f} | {first:.3f} "
                     f"| {change:.3f} | {baseline_time:.2f} |")
    lines += ["", "England LSOAs are not offered by the app (LSOAs need a combined authority or a district).", ""]
    text = "\n".join(lines)
    (Path(__file__).parent / "results-app-map.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
