"""What a person feels, end to end in Chromium, from one run: opening the app, changing the indicator, a cold server.

Three ``streamlit run`` servers on loopback, one after the other (never two at once on the shared machine):

* **geometry files** (today's app): ``server.enableStaticServing`` on, so each view's encoded areas are a
  content-hashed file the page fetches once (:mod:`mapkit.web.geometry_files`) and an indicator change sends only
  the per-area arrays;
* **inline** (the path before geometry files, kept callable: static serving off): the areas travel inside the map
  layer, so streamlit-folium sends them again at every indicator change;
* **bare page** (``benchmarks/bare_page.py``): one ``st_folium`` map with one polygon, the floor for opening a
  Streamlit page with a map;
* **static site** (``python -m mapkit publish`` of the same views, served by ``python -m http.server``): the map
  with no Python behind it.

Measured, each server fresh from a restart:

(a) open: navigation start to the first drawn area (a fill or stroke on a Leaflet canvas, or an SVG path) in the
    map's frame, for the first browser after the restart and for later browsers (fresh contexts, no cache);
(b) indicator change, per view: bytes the page receives over Streamlit's websocket (uncompressed payloads as the
    browser gets them) from the option click until the map is redrawn with the new indicator, and that time
    (click to the canvas drawn with the new indicator's arrays, ``mapkitDrawnAt``); the geometry file's bytes are
    counted once per view, when the page first fetches it.

CDN files are answered from ``node_modules/`` (``tests/browser/cdn_routes.py``), tiles fail in the browser. Writes
``benchmarks/results.md``. Run: ``python -m benchmarks speed [--later N] [--changes N]``.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.machine import describe
from benchmarks.server import start_app, stop_app

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results.md"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 240_000
ENGLAND = "E92000001"
VIEWS = (("West Midlands wards", "ward", "E47000007"), ("England wards", "ward", ENGLAND),
         ("England LSOAs", "lsoa", ENGLAND))
CHANGES = ("Employment score", "Health score", "Education score")
CHANGE_IDS = {"Employment score": "employment_score", "Health score": "health_score",
              "Education score": "education_score"}
"""Indicators chosen in turn after the view opens on the income score (the same theme, so the same select box);
labels as the sidebar's select box shows them."""

FIRST_DRAW_JS = r"""
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["fill", "stroke"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      if (!window.__drawnAt && this.canvas.closest && this.canvas.closest(".leaflet-map-pane")) {
        window.__drawnAt = performance.timeOrigin + performance.now();
      }
      return original.apply(this, args);
    };
  }
  function frame() {
    if (!window.__drawnAt && document.querySelector(".leaflet-map-pane path.leaflet-interactive")) {
      window.__drawnAt = performance.timeOrigin + performance.now();
    }
    if (!window.__drawnAt) { requestAnimationFrame(frame); }
  }
  requestAnimationFrame(frame);
})();
"""
"""Installed in every frame before its scripts: records when a map's first area is drawn, in ms since the epoch."""

DRAWN_JS = """() => {
  if (!window.__drawnAt && document.querySelector(".leaflet-map-pane path.leaflet-interactive")) {
    window.__drawnAt = performance.timeOrigin + performance.now();
  }
  return window.__drawnAt;
}"""
"""Polled on every animation frame from the test side as well: an SVG polygon (the bare page) found there."""

SITE_REDRAWN_JS = """([label, after]) => {
  const l = document.getElementById("map").mapkitLayer;
  return l && l._data && l._data.label === label && l.mapkitDrawnAt > after ? l.mapkitDrawnAt : null;
}"""
"""The static site's area layer (site.js keeps it on the map element) redrawn with ``label`` after ``after``."""

REDRAWN_JS = """([label, after]) => {
  let at = null;
  window.map.eachLayer(l => {
    if (l._data && l._data.label === label && l.mapkitDrawnAt && l.mapkitDrawnAt > after) { at = l.mapkitDrawnAt; }
  });
  return at;
}"""


@dataclass
class Server:
    label: str
    open_first: float = 0.0
    open_later: list[float] = field(default_factory=list)
    bytes_change: dict[str, list[int]] = field(default_factory=dict)
    seconds_change: dict[str, list[float]] = field(default_factory=dict)
    geometry_bytes: dict[str, int] = field(default_factory=dict)
    open_view: dict[str, float] = field(default_factory=dict)


def view_url(base: str, level: str, region: str) -> str:
    return f"{base}/?{urlencode({'region': region, 'level': level, 'indicator': 'income_score'})}"


def new_context(browser: Any) -> Any:
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from cdn_routes import RouteLog, install_routes

    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    context.add_init_script(FIRST_DRAW_JS)
    install_routes(context, log=RouteLog(), intercept_all=False)
    return context


def map_frame(page: Any) -> Any:
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_FRAME}').length === 1", timeout=TIMEOUT_MS)
    return page.locator(MAP_FRAME).element_handle().content_frame()


def drawn_frame(page: Any) -> Any:
    """The map's frame once an area is drawn in it; looked up again if Streamlit swaps the frame meanwhile."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        frame = map_frame(page)
        try:
            frame.wait_for_function(DRAWN_JS, timeout=15_000, polling="raf")
            return frame
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise


def open_time(browser: Any, url: str) -> float:
    """Seconds from navigation start to the first drawn area, in a fresh browser context."""
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(url, timeout=TIMEOUT_MS)
        frame = drawn_frame(page)
        return (frame.evaluate("() => window.__drawnAt") - page.evaluate("() => performance.timeOrigin")) / 1000
    finally:
        context.close()


def choose_indicator(page: Any, label: str) -> float:
    """Pick ``label`` in the sidebar's indicator box; returns the click's time in ms since the epoch."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(2)
    box.click()
    page.keyboard.type(label)
    option = page.get_by_role("option", name=label, exact=True).first
    option.wait_for(timeout=TIMEOUT_MS)
    clicked = time.time() * 1000
    option.click()
    return clicked


def indicator_changes(browser: Any, base: str, server: Server, name: str, level: str, region: str,
                      changes: int) -> None:
    context = new_context(browser)
    received = [0]
    geometry = [0]

    def on_socket(socket: Any) -> None:
        socket.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    def on_response(response: Any) -> None:  # no blocking call here (body()): it would stall the sync API
        if "/app/static/geometry/" in response.url:  # the file's size (the response may be chunked)
            geometry[0] += (ROOT / "static" / "geometry" / response.url.rsplit("/", 1)[-1]).stat().st_size

    try:
        page = context.new_page()
        page.on("websocket", on_socket)
        page.on("response", on_response)
        page.goto(view_url(base, level, region), timeout=TIMEOUT_MS)
        frame = drawn_frame(page)
        server.open_view[name] = (frame.evaluate("() => window.__drawnAt")
                                  - page.evaluate("() => performance.timeOrigin")) / 1000
        page.wait_for_timeout(1500)  # the rest of the page settles
        server.geometry_bytes[name] = geometry[0]
        for label in CHANGES[:changes]:
            received[0] = 0
            clicked = choose_indicator(page, label)
            escaped = label.replace("&", "&amp;")
            handle = frame.wait_for_function(REDRAWN_JS, arg=[escaped, clicked], timeout=TIMEOUT_MS, polling=16)
            drawn = handle.json_value()
            page.wait_for_timeout(1500)  # the rest of the rerun's messages (profile, table)
            server.seconds_change.setdefault(name, []).append((drawn - clicked) / 1000)
            server.bytes_change.setdefault(name, []).append(received[0])
    finally:
        context.close()


def measure(browser: Any, label: str, *, later: int, changes: int, out: Path, port: int, script: str = "app.py",
            static_serving: bool = True) -> Server:
    server = Server(label)
    process, base = start_app(out / f"{label.replace(' ', '-')}.log", script=script, static_serving=static_serving,
                              port=port, timeout=180)
    try:
        url = base + "/"
        server.open_first = open_time(browser, url)
        server.open_later = [open_time(browser, url) for _ in range(later)]
        print(f"{label}: opened in {server.open_first:.2f} s, then {server.open_later}", file=sys.stderr)
        if script == "app.py":
            for name, level, region in VIEWS:
                indicator_changes(browser, base, server, name, level, region, changes)
                print(f"{label}, {name}: {server.bytes_change[name]} bytes, {server.seconds_change[name]} s",
                      file=sys.stderr)
    finally:
        stop_app(process)
    return server


def site_open_time(browser: Any, url: str) -> float:
    """Seconds from navigation start to the first drawn area of a static site's page, in a fresh context."""
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(url, timeout=TIMEOUT_MS)
        page.wait_for_function(DRAWN_JS, timeout=TIMEOUT_MS, polling="raf")
        return (page.evaluate("() => window.__drawnAt") - page.evaluate("() => performance.timeOrigin")) / 1000
    finally:
        context.close()


def measure_site(browser: Any, *, later: int, changes: int, out: Path, port: int) -> Server:
    """The same views as a static site (``mapkit publish``) served by ``python -m http.server``."""
    import subprocess
    import urllib.request

    from mapkit.publish.site import publish, read_manifest

    site = out / "site"
    publish(site, regions=sorted({region for _, _, region in VIEWS}), levels=sorted({lv for _, lv, _ in VIEWS}),
            api=False)
    manifest = read_manifest(site)
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    server = Server("static site")
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        server.open_first = site_open_time(browser, base + "/")
        server.open_later = [site_open_time(browser, base + "/") for _ in range(later)]
        print(f"static site: opened in {server.open_first:.2f} s, then {server.open_later}", file=sys.stderr)
        for name, level, region in VIEWS:
            view = manifest["views"][f"{region}/{level}"]
            url = f"{base}/#region={region}&level={level}&indicator=income_score"
            server.open_view[name] = site_open_time(browser, url)
            server.geometry_bytes[name] = sum((site / ref["url"]).stat().st_size
                                              for ref in (view["areas"], view["outlines"]) if ref)
            context = new_context(browser)
            try:
                page = context.new_page()
                page.goto(url, timeout=TIMEOUT_MS)
                page.wait_for_function(DRAWN_JS, timeout=TIMEOUT_MS, polling="raf")
                for label in CHANGES[:changes]:
                    clicked = time.time() * 1000
                    page.select_option("#pick-indicator", CHANGE_IDS[label])
                    drawn = page.wait_for_function(SITE_REDRAWN_JS, arg=[label, clicked], timeout=TIMEOUT_MS,
                                                   polling=16).json_value()
                    server.seconds_change.setdefault(name, []).append((drawn - clicked) / 1000)
                    server.bytes_change.setdefault(name, []).append(
                        (site / view["data"][CHANGE_IDS[label]]).stat().st_size)
            finally:
                context.close()
            print(f"static site, {name}: {server.bytes_change[name]} bytes, {server.seconds_change[name]} s",
                  file=sys.stderr)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return server


def map_payload_bytes() -> list[str]:
    """Markdown rows: bytes of the map alone (the strings streamlit-folium sends for it) at an indicator change,
    with geometry files and inline; server side, so exact (no browser)."""
    from benchmarks.app_map import component_payload
    from mapkit.view import View
    from mapkit.web.webmap import build_map
    from mapkit.web.geometry_files import StaticFiles

    files_folder = StaticFiles(Path(tempfile.mkdtemp(prefix="mapkit-speed-files-")), "/app/static/")

    rows = ["| view | map, geometry and runtime files | map, inline | of which geometry and runtime |",
            "|---|---|---|---|"]
    for name, level, region in VIEWS:
        view = View(region=region, level=level, indicator="employment_score", scheme="quantiles")
        files = component_payload(build_map(view, files=files_folder))
        inline = component_payload(build_map(view))
        rows.append(f"| {name} | {mb(files)} | {mb(inline)} | {mb(inline - files)} |")
    return rows


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def write(results: list[Server], runs: dict[str, int]) -> str:
    files, inline, bare, site = results
    floor = statistics.median(bare.open_later)
    lines = [
        "# Speed: what a person feels (one run)", "",
        f"Run of {datetime.date.today():%d %b %Y}, `python -m benchmarks speed` ({describe()}; a shared 2-core "
        "machine, so times are noisy; bytes are not). Headless Chromium on loopback, CDN files answered from "
        "node_modules, tiles failing. *Geometry files*: the app as it is (each view's areas a content-hashed file "
        "fetched once per page). *Inline*: the same app with static serving off, which sends the areas inside "
        "the map layer at every rerun (the code path before geometry files). *Bare page*: one `st_folium` map "
        "with one polygon (`benchmarks/bare_page.py`). *Static site*: `python -m mapkit publish` of the same views "
        "served by `python -m http.server` (no Python of ours behind it).", "",
        "## Indicator change (select box click to redrawn canvas)", "",
        f"Medians over {runs['changes']} changes (income score to employment, health, education); bytes are the "
        "websocket payloads the page receives for the whole rerun (map, profile, table, as the browser gets them).",
        "",
        "| view | bytes per change, geometry files | bytes per change, inline | geometry file (once per page) "
        "| change to redraw, geometry files (s) | inline (s) | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, _, _ in VIEWS:
        fb, ib = statistics.median(files.bytes_change[name]), statistics.median(inline.bytes_change[name])
        fs, is_ = statistics.median(files.seconds_change[name]), statistics.median(inline.seconds_change[name])
        lines.append(f"| {name} | {mb(fb)} | {mb(ib)} | {mb(files.geometry_bytes[name])} | {fs:.2f} | {is_:.2f} "
                     f"| {fs / is_:.2f} |")
    lines += ["", "The static site, same views and changes (bytes: the indicator's file of per-area arrays and legend, "
              "uncompressed; the geometry is fetched once per page):", "",
              "| view | bytes per change | geometry files (once per page) | change to redraw (s) "
              "| against the app with geometry files |", "|---|---|---|---|---|"]
    for name, _, _ in VIEWS:
        sb, ss = statistics.median(site.bytes_change[name]), statistics.median(site.seconds_change[name])
        fs = statistics.median(files.seconds_change[name])
        lines.append(f"| {name} | {mb(sb)} | {mb(site.geometry_bytes[name])} | {ss:.2f} | {ss / fs:.2f} |")
    lines += ["", "The map's own share of a change (what streamlit-folium sends for the map; the rest of a rerun's "
              "bytes is the page around it: sidebar, profile and a page of 250 rows of the ranked table):",
              "", *map_payload_bytes()]
    lines += ["", "## Opening the app (navigation to the first drawn area, default view: West Midlands wards)", "",
              f"First browser after a server restart, then the median of {runs['later']} later browsers (fresh "
              "contexts, nothing cached).", "",
              "| server | first user after restart (s) | later users, median (s) | later / bare page |",
              "|---|---|---|---|"]
    for server in results:
        later = statistics.median(server.open_later)
        lines.append(f"| {server.label} | {server.open_first:.2f} | {later:.2f} | {later / floor:.2f} |")
    lines += ["", "For the static site the first user is the first browser after `http.server` started (nothing to "
              "warm: the files are written by `mapkit publish`)."]
    lines += ["", "## Opening a view from a link (navigation to the first drawn area, after the changes above ran "
              "on other views; geometry encoded by then unless it is the view's first request)", "",
              "| view | geometry files (s) | inline (s) | static site (s) | static site / geometry files |",
              "|---|---|---|---|---|"]
    for name, _, _ in VIEWS:
        lines.append(f"| {name} | {files.open_view[name]:.2f} | {inline.open_view[name]:.2f} "
                     f"| {site.open_view[name]:.2f} | {site.open_view[name] / files.open_view[name]:.2f} |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks speed", description=__doc__.split("\n")[0])
    parser.add_argument("--later", type=int, default=3, help="later browsers opening the app (default 3)")
    parser.add_argument("--changes", type=int, default=3, choices=range(1, len(CHANGES) + 1),
                        help="indicator changes per view (default 3)")
    parser.add_argument("--port", type=int, default=8701, help="first of four loopback ports (default 8701)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    out = Path(tempfile.mkdtemp(prefix="mapkit-speed-"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        try:
            results = [
                measure(browser, "geometry files", later=args.later, changes=args.changes, out=out, port=args.port),
                measure(browser, "inline", later=args.later, changes=args.changes, out=out, port=args.port + 1,
                        static_serving=False),
                measure(browser, "bare page", later=args.later, changes=0, out=out, port=args.port + 2,
                        script="benchmarks/bare_page.py"),
                measure_site(browser, later=args.later, changes=args.changes, out=out, port=args.port + 3),
            ]
        finally:
            browser.close()
    text = write(results, {"later": args.later, "changes": args.changes})
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0
