"""Hostile and heavy uploads through the app's path: read in the bounded worker, draw the layer, count residents
near the first feature at 5 km (the "who lives near" tab opened). Writes benchmarks/results-hostile.md.

Each case runs in a fresh interpreter; its process tree (the server-side process, the fork server and the worker)
is sampled every 20 ms for resident memory, so "peak RSS" is what the whole server would hold. Issue 18 measured,
before the budgets and the worker: the 400-vertex random polygon 39 s then 13 GB, the 20,000-point MultiPoint 7.7 GB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.machine import describe
from benchmarks.server import rss_kib

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results-hostile.md"

CASE = r"""
import json, resource, sys, time
import numpy as np


def ring(n):
    rng = np.random.default_rng(0)
    p = np.column_stack([rng.uniform(-1.95, -1.85, n), rng.uniform(52.45, 52.52, n)]).round(5).tolist()
    return p + [p[0]]


def geojson(geometry):
    return json.dumps({"type": "Feature", "properties": {"name": "x"}, "geometry": geometry}).encode()


def district():
    import shapely
    from mapkit import load_boundaries
    shape = load_boundaries("lad", "E08000026").to_crs(4326).geometry.iloc[0]
    return geojson(shapely.geometry.mapping(shapely.set_precision(shape, 1e-6)))


def make(case):
    if case == "bow-tie":
        return geojson({"type": "Polygon", "coordinates": [[[-1.9, 52.4], [-1.8, 52.5], [-1.8, 52.4], [-1.9, 52.5],
                                                            [-1.9, 52.4]]]})
    if case.startswith("random polygon"):
        return geojson({"type": "Polygon", "coordinates": [ring(int(case.split()[2]))]})
    if case.startswith("MultiPoint"):
        n = int(case.split()[1].replace(",", ""))
        return geojson({"type": "MultiPoint", "coordinates": [[-1.9, 52.5]] * n})
    if case == "200,000-vertex line":
        return geojson({"type": "LineString", "coordinates": [[-1.9 + i * 1e-7, 52.5] for i in range(200_000)]})
    if case == "5,000 points (CSV)":
        rows = "".join(f"P{i},{52.3 + i * 4e-5:.5f},{-2.0 + i * 6e-5:.5f}\n" for i in range(5000))
        return ("name,lat,lon\n" + rows).encode()
    if case == "Coventry district polygon":
        return district()
    raise SystemExit(f"unknown case {case}")


def main():
    import folium
    from mapkit.analysis import nearby
    from mapkit.data import uploads
    from mapkit.web.upload_layer import upload_layer
    from mapkit.errors import UploadError
    case = sys.argv[1]
    data = make(case)
    nearby.lsoa_population()  # loaded once per server, before any upload
    name = "a.csv" if "CSV" in case else "a.geojson"
    out = {"bytes": len(data)}
    t = time.perf_counter()
    try:
        frame = uploads.read_upload_bounded(data, name)
        out["read"] = time.perf_counter() - t
        t = time.perf_counter()
        html = folium.Map().add_child(upload_layer(frame, name)).get_root().render()
        out["draw"] = time.perf_counter() - t
        out["html_kb"] = len(html) / 1024
        t = time.perf_counter()
        try:
            result = nearby.population_near_bounded(frame.geometry.iloc[0], distance_km=5.0)
            out["near"] = time.perf_counter() - t
            out["outcome"] = f"drawn ({len(frame):,} feature{'s' * (len(frame) != 1)}); {result.sentence()}"
        except UploadError as exc:
            out["near"] = time.perf_counter() - t
            out["outcome"] = f"drawn; who lives near refused: {exc}"
        if frame.attrs.get("notes"):
            out["outcome"] += " Note: " + " ".join(frame.attrs["notes"])
    except UploadError as exc:
        out["read"] = time.perf_counter() - t
        out["outcome"] = f"refused: {exc}"
    out["own_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
"""

CASES = ("bow-tie", "random polygon 200", "random polygon 400", "random polygon 2000", "MultiPoint 20,000",
         "MultiPoint 200,000", "200,000-vertex line", "5,000 points (CSV)", "Coventry district polygon")


def run_case(case: str, script: Path) -> dict:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(script), case], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    peak = 0
    while process.poll() is None:
        peak = max(peak, rss_kib(process.pid))
        time.sleep(0.02)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{case}: exit {process.returncode}\n{stderr[-2000:]}")
    out = json.loads(stdout.strip().splitlines()[-1])
    out.update(case=case, tree_peak_mb=peak / 1024, wall=time.perf_counter() - start)
    return out


def main(argv: list[str]) -> int:
    script = Path(__file__).resolve().parent / ".hostile_case.py"
    script.write_text(CASE, encoding="utf-8")
    try:
        rows = []
        for case in (argv or CASES):
            row = run_case(case, script)
            rows.append(row)
            print(f"{case}: read {row['read']:.2f} s, near {row.get('near', 0):.2f} s, "
                  f"peak {row['tree_peak_mb']:.0f} MB", file=sys.stderr)
    finally:
        script.unlink(missing_ok=True)
    lines = ["# Hostile uploads: seconds and peak memory", "", f"Machine: {describe()}.", "",
             "Each case in a fresh interpreter: read in the bounded worker (`read_upload_bounded`), draw the layer, "
             "count residents within 5 km of the first feature (`population_near_bounded`). Peak RSS is the whole "
             "process tree (server-side process, fork server, worker), sampled every 20 ms; it includes the "
             "England LSOA table every server loads once (the 'own' column is the server-side process alone).", "",
             "| Case | Size | Read s | Draw s | Residents s | Peak RSS, tree | Peak RSS, own | Outcome |",
             "|---|---|---|---|---|---|---|---|"]
    def sec(r: dict, key: str) -> str:
        return f"{r[key]:.2f}" if key in r else "-"

    for r in rows:
        outcome = r["outcome"].replace("|", "\\|")
        lines.append(f"| {r['case']} | {r['bytes'] / 1024:,.0f} kB | {sec(r, 'read')} | {sec(r, 'draw')} | "
                     f"{sec(r, 'near')} | {r['tree_peak_mb']:,.0f} MB | {r['own_peak_mb']:,.0f} MB | {outcome} |")
    lines += ["", "Budgets: 5,000 features (each MultiPoint member counts), 100,000 vertices per file, 1,000 parts per "
              "feature (also after a repair); the worker may take 512 MB above its start and 10 s.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS}", file=sys.stderr)
    return 0
