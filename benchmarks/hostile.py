"""Hostile and heavy uploads, one at a time through the app's path, then at office scale against a running app.
Writes benchmarks/results-hostile.md.

* **One file at a time** (the cases): read in the bounded worker, draw the layer, count residents near the first
  feature at 5 km (the "who lives near" tab opened). Each case runs in a fresh interpreter; its process tree (the
  server-side process, the launcher and the worker) is sampled every 20 ms for resident memory, so "peak RSS" is
  what the whole server would hold. Issue 18 measured, before the budgets and the worker: the 400-vertex random
  polygon 39 s then 13 GB, the 20,000-point MultiPoint 7.7 GB.
* **People uploading at once** and **a held upload's rerun cost**, against ``streamlit run app.py``
  (:mod:`benchmarks.uploads_at_once`): issue 27 measured 6 people at once at 10.5 s each and a server tree of
  3,467 MiB, 10 at once 30-33 s and 4.7 GB, and a session holding a 5,000-point file at 6-9 s of server CPU per rerun.

Run: ``python -m benchmarks hostile [CASE ...] [--at-once 1,6,10] [--reruns 6] [--only cases|app]``. A partial run
replaces only its own sections of the results file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
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
    from mapkit import workers
    workers.default_pool().start()  # the app starts its workers' launcher once, before any upload
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


def cases_section(rows: list[dict]) -> list[str]:
    lines = ["## One file at a time", "",
             "Each case in a fresh interpreter: read in the bounded worker (`read_upload_bounded`), draw the layer, "
             "count residents within 5 km of the first feature (`population_near_bounded`). Peak RSS is the whole "
             "process tree (server-side process, launcher, worker), sampled every 20 ms; it includes the "
             "England LSOA table every server loads once (the 'own' column is the server-side process alone).", "",
             "| Case | Size | Read s | Draw s | Residents s | Peak RSS, tree | Peak RSS, own | Outcome |",
             "|---|---|---|---|---|---|---|---|"]

    def sec(r: dict, key: str) -> str:
        return f"{r[key]:.2f}" if key in r else "-"

    for r in rows:
        outcome = r["outcome"].replace("|", "\\|")
        lines.append(f"| {r['case']} | {r['bytes'] / 1024:,.0f} kB | {sec(r, 'read')} | {sec(r, 'draw')} | "
                     f"{sec(r, 'near')} | {r['tree_peak_mb']:,.0f} MB | {r['own_peak_mb']:,.0f} MB | {outcome} |")
    return lines + ["", "Budgets: 5,000 features (each MultiPoint member counts), 100,000 vertices per file, 1,000 "
                    "parts per feature (also after a repair); a worker may take 512 MB above its start and 10 s.", ""]


def run_cases(cases: list[str]) -> list[dict]:
    script = Path(__file__).resolve().parent / ".hostile_case.py"
    script.write_text(CASE, encoding="utf-8")
    try:
        rows = []
        for case in cases:
            row = run_case(case, script)
            rows.append(row)
            print(f"{case}: read {row['read']:.2f} s, near {row.get('near', 0):.2f} s, "
                  f"peak {row['tree_peak_mb']:.0f} MB", file=sys.stderr)
    finally:
        script.unlink(missing_ok=True)
    return rows


def run_app(people: list[int], reruns: int) -> list[str]:
    """The app's sections: people uploading at once, then a held upload's rerun cost, each on a fresh server."""
    from benchmarks import uploads_at_once as app
    from benchmarks.server import start_app, stop_app

    from mapkit.web import assets

    if any(not (assets.VENDOR_DIR / assets.cdn_path(url)).is_file() for url in assets.known_asset_urls()):
        print(f"installing the map scripts into {assets.VENDOR_DIR} ({assets.INSTALL_COMMAND})", file=sys.stderr)
        assets.install_assets()
    logs = Path(tempfile.mkdtemp(prefix="hostile-"))
    crowds = []
    for count in people:
        process, base = start_app(logs / f"server-{count}.log", local_assets=True)
        try:
            crowd = asyncio.run(app.at_once(base, process.pid, count))
        finally:
            stop_app(process)
        crowds.append(crowd)
        print(f"{count} at once: {max(crowd.seconds):.1f} s to the last message, server peak "
              f"{crowd.rss_peak:,.0f} MiB, {crowd.workers_peak} workers at most, {len(crowd.errors)} errors",
              file=sys.stderr)
    lines = app.at_once_section(crowds) if crowds else []
    if reruns:
        process, base = start_app(logs / "server-reruns.log", local_assets=True)
        try:
            costs = [asyncio.run(app.rerun_cost(base, process.pid, changes=reruns)),
                     asyncio.run(app.rerun_cost(base, process.pid, changes=reruns, upload=app.points_file()))]
        finally:
            stop_app(process)
        for cost in costs:
            print(f"holding {cost.holding}: {cost.cpu_per_change:.2f} s of server CPU and "
                  f"{cost.bytes_per_change / 1024:,.0f} kB per change", file=sys.stderr)
        lines += app.rerun_section(costs)
    print(f"server logs in {logs}", file=sys.stderr)
    return lines


def sections(text: str) -> dict[str, str]:
    """The ``## `` sections of a results file, by heading."""
    found = {}
    for part in text.split("\n## ")[1:]:
        heading = part.split("\n", 1)[0]
        found[heading] = "## " + part.rstrip() + "\n"
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks hostile", description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help=f"cases to run (default all: {', '.join(CASES)})")
    parser.add_argument("--at-once", default="1,6,10", help="how many people upload at once, comma-separated "
                                                             "(0: skip it)")
    parser.add_argument("--reruns", type=int, default=5, help="indicator changes per session for the rerun cost "
                                                               "(0: skip it)")
    parser.add_argument("--only", choices=("cases", "app"), default=None, help="run one part only")
    args = parser.parse_args(argv)
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}: choose from {', '.join(CASES)}")
    people = [int(n) for n in args.at_once.split(",") if n.strip() and int(n) > 0]
    new: dict[str, str] = {}
    if args.only != "app":
        body = cases_section(run_cases(args.cases or list(CASES)))
        new[body[0][3:]] = "\n".join(body)
    if args.only != "cases":
        body = run_app(people, args.reruns)
        for part in sections("\n" + "\n".join(body)).values():
            new[part.split("\n", 1)[0][3:]] = part
    kept = sections(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    order = ["One file at a time", "People uploading at once", "A held upload's rerun cost"]
    merged = {**{h: t for h, t in kept.items() if h in order}, **new}
    lines = ["# Hostile uploads: seconds and peak memory", "", f"Machine: {describe()}.", ""]
    lines += [merged[h].rstrip() + "\n" for h in order if h in merged]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS}", file=sys.stderr)
    return 0
