"""Your own area's profile: how long the whole profile takes for a 50-vertex polygon over Birmingham, a drawing over
all of England, the 23 wards of the East Birmingham-North Solihull growth zone and a list of LSOAs.

Timed in this process after one warm-up (the app keeps the products loaded), median of several runs, with the
outline measured in a bounded worker as the app does. Baselines in the same run: geopandas ``overlay`` of every LSOA
with the same polygon (residents only, no profile), and a bounded worker that does nothing (the fixed cost of the
budget). Budget: a second. Writes benchmarks/results-own-area.md.
"""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon, box

from benchmarks.machine import describe

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
EBNS_WARDS = ("E05011120,E05011127,E05011126,E05011131,E05011132,E05011137,E05011139,E05011138,E05011145,E05011155,"
              "E05011162,E05011165,E05011166,E05011167,E05011169,E05011170,E05011182,E05011183,E05011185,E05011186,"
              "E05001287,E05001290,E05001300")


def star(vertices: int, *, lon: float = -1.8904, lat: float = 52.4862, radius_km: float = 5.5,
         wobble_km: float = 1.5) -> Polygon:
    """A star-shaped outline of ``vertices`` corners around a point (lon, lat); by default 4 to 7 km from
    Birmingham's centre."""
    points = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        r = radius_km + wobble_km * math.sin(5 * angle)
        points.append((lon + r / (111.32 * math.cos(math.radians(lat))) * math.cos(angle),
                       lat + r / 110.57 * math.sin(angle)))
    return Polygon(points)


def _timed(fn) -> tuple[float, float, object]:
    """First run (seconds), median of :data:`RUNS` further runs (seconds), last result."""
    t = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return first, statistics.median(times), result


def main(argv: list[str]) -> int:
    from mapkit.analysis.own_area import own_area_profile
    from mapkit.data import own_areas
    from mapkit.data.products import indicator_table, load_boundaries
    from mapkit.watchdog import run_bounded

    polygon = star(50)
    cases = {
        "50-vertex polygon over Birmingham": own_areas.from_shape(polygon, name="Birmingham"),
        "rectangle over all of England": own_areas.from_shape(box(-6.5, 49.8, 2.0, 55.9), name="England"),
        "200-vertex outline over most of England": own_areas.from_shape(
            star(200, lon=-1.6, lat=52.9, radius_km=230, wobble_km=40), name="England-wide star"),
        "23 wards of the East Birmingham-North Solihull zone": own_areas.from_codes(EBNS_WARDS, name="EBNS"),
        "300 LSOAs of Birmingham": own_areas.from_codes(list(load_boundaries("lsoa", "E08000025")["code"][:300]),
                                                        name="LSOAs"),
    }
    rows = []
    for label, area in cases.items():
        first, median, profile = _timed(lambda area=area: own_area_profile(area))
        rows.append((label, first, median, profile.population, len(profile.members)))

    residents = indicator_table("population", "lsoa").set_index("code")["numerator"]
    lsoas = gpd.read_parquet(ROOT / "data" / "boundaries" / "lsoa.parquet").to_crs(27700)
    shape = gpd.GeoDataFrame(geometry=[polygon], crs=4326).to_crs(27700)

    def overlay() -> float:
        pieces = gpd.overlay(lsoas[["code", "geometry"]], shape, how="intersection")
        whole = lsoas.set_index("code").geometry.area
        return float((residents[pieces["code"]].to_numpy() * pieces.area.to_numpy()
                      / whole[pieces["code"]].to_numpy()).sum())

    _, overlay_s, overlay_people = _timed(overlay)
    _, worker_s, _ = _timed(lambda: run_bounded(len, (), what="nothing"))
    birmingham = rows[0]
    lines = [
        "# Own-area profile benchmark (`python -m benchmarks own_area`)", "",
        describe(), "",
        f"Whole profile (`own_area_profile`: residents, deciles against the CA and England, 15 measures ranked among "
        f"England's wards, IoD2019 movement, districts' ONS growth, overlays inside), outlines measured in a bounded "
        f"worker as in the app. First run, then the median of {RUNS} runs in the same process.", "",
        "| area | first run | median | residents | LSOAs counted |",
        "|---|---:|---:|---:|---:|",
        *(f"| {label} | {first:.2f} s | {median:.3f} s | {people:,.0f} | {n:,} |"
          for label, first, median, people, n in rows),
        "", "Baselines in the same run:", "",
        "| what | median | vs the Birmingham profile |",
        "|---|---:|---:|",
        f"| geopandas `overlay` of every LSOA with the same 50-vertex polygon (residents only) | {overlay_s:.3f} s | "
        f"{overlay_s / birmingham[2]:.1f}x the whole profile's time |",
        f"| a bounded worker doing nothing (the budget's fixed cost) | {worker_s:.3f} s | "
        f"{worker_s / birmingham[2]:.0%} of it |",
        "",
        f"Residents by overlay {overlay_people:,.0f} against {birmingham[3]:,.0f} by the profile (same apportioning). "
        "Budget: under a second for the 50-vertex polygon over Birmingham and for a drawing over all of England.",
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "benchmarks" / "results-own-area.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
