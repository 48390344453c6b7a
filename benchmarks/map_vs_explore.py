"""Our web map against ``GeoDataFrame.explore()`` of the same data, per view: bytes, build time, first draw, memory.

For West Midlands wards, England wards, West Midlands LSOAs, Greater Manchester LSOAs and England LSOAs (not
offered by the app: measured to show what it would cost), this measures

(a) bytes sent to the browser: ours is what streamlit-folium sends for the map (the standalone page is within a
    few kB of it); the baseline is ``mapkit.load_indicator(...).explore()`` rendered to HTML (every column, full
    precision);
(b) server-side build time: ours with the view's geometry not yet encoded (its first request in a process),
    the baseline from the loaded frame to HTML;
(c) time to first drawn polygon in headless Chromium, from navigation start (``performance.now()``): both pages
    are served from a loopback ``http.server``, CDN requests answered from ``node_modules/``
    (``tests/browser/cdn_routes.py``), tiles aborted. A watcher installed before the page loads checks every animation
    frame for the first ``path.leaflet-interactive`` (the baseline's SVG) or the first non-transparent pixel in
    the Leaflet canvas (ours);
(d) indicator change on a loaded view: the app's rerun (load, classify, build, streamlit-folium strings) with
    the geometry already encoded, over indicators not shown before; the baseline has to build a new page;
(e) memory: a real ``streamlit run app.py`` on a free loopback port, 1 then 10 concurrent browser sessions on the
    default view, resident memory of the server process (and any children) after each.

Timings are medians of ``--runs`` runs (England LSOAs: one run). Writes ``benchmarks/results-map-vs-explore.md``.
Run: ``python -m benchmarks map_vs_explore [--runs N] [--sessions N]``.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gzip
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from benchmarks.app_map import INDICATORS, build, component_payload, rerun
from benchmarks.machine import describe
from benchmarks.server import cpu_seconds, rss_kib, start_app, stop_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("MAPKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
"""Headless Chromium that resolves no host but loopback: tiles fail at once, in the browser, as they would on a
network without them; CDN files are answered by a Playwright route before any lookup."""
VIEWPORT = {"width": 1280, "height": 800}
ENGLAND = "E92000001"


@dataclass(frozen=True)
class Case:
    label: str
    level: str
    region: str
    offered: bool = True
    runs: int | None = None
    """Runs for this case (``None``: ``--runs``)."""


CASES = (
    Case("West Midlands wards", "ward", "E47000007"),
    Case("England wards", "ward", ENGLAND),
    Case("West Midlands LSOAs", "lsoa", "E47000007"),
    Case("Greater Manchester LSOAs", "lsoa", "E47000001"),
    Case("England LSOAs", "lsoa", ENGLAND, offered=False, runs=1),
)
DRAW_TIMEOUT_S = 240.0
APP_TIMEOUT_S = 180.0

DRAWN_JS = r"""
function () {
  if (document.querySelector("path.leaflet-interactive")) { return "svg"; }
  const canvases = document.querySelectorAll(".leaflet-map-pane canvas");
  for (const canvas of canvases) {
    if (!canvas.width || !canvas.height) { continue; }
    const probe = document.createElement("canvas");
    probe.width = 200; probe.height = 125;
    const ctx = probe.getContext("2d", {willReadFrequently: true});
    ctx.drawImage(canvas, 0, 0, probe.width, probe.height);
    const px = ctx.getImageData(0, 0, probe.width, probe.height).data;
    for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) { return "canvas"; } }
  }
  return null;
}
"""
"""Whether a map shows a polygon: "svg" (a Leaflet SVG path), "canvas" (a non-transparent pixel in Leaflet's
canvas) or null. Used to wait for the app's map; too costly to run on every frame of a timed page."""

FIRST_DRAW_JS = r"""
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["fill", "stroke"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      if (!window.__mapkitCanvasDrawn && this.canvas.closest && this.canvas.closest(".leaflet-map-pane")) {
        window.__mapkitCanvasDrawn = true;
      }
      return original.apply(this, args);
    };
  }
  function drawn() {
    if (window.__mapkitCanvasDrawn) { return "canvas"; }
    return document.querySelector("path.leaflet-interactive") ? "svg" : null;
  }
  function frame() {
    const kind = drawn();
    if (!kind) { requestAnimationFrame(frame); return; }
    window.__mapkitSeen = performance.now();
    window.__mapkitDrawKind = kind;
    requestAnimationFrame(() => { window.__mapkitFirstDraw = performance.now(); });
  }
  requestAnimationFrame(frame);
})();
"""
"""Installed before any page script. Checks every animation frame for a drawn polygon (a ``path.leaflet-interactive``
in the DOM, or a fill or stroke on Leaflet's canvas); once there is one, the start of the next frame (so the frame
with the polygon has been painted) is recorded as ``performance.now()``."""

SLOW_LINK = {"offline": False, "latency": 20, "downloadThroughput": 20e6 / 8, "uploadThroughput": 5e6 / 8}
"""A 20 Mbit/s, 20 ms link (CDP ``Network.emulateNetworkConditions``): shared office or home broadband."""


# --------------------------------------------------------------------------------------------------- server side


@dataclass
class Row:
    case: Case
    areas: int = 0
    ours_bytes: int = 0
    ours_page_bytes: int = 0
    ours_gzip: int = 0
    base_bytes: int = 0
    base_gzip: int = 0
    ours_build: float = 0.0
    base_build: float = 0.0
    ours_change: float = 0.0
    ours_draw: list[float] = field(default_factory=list)
    base_draw: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    base_cpu: list[float] = field(default_factory=list)
    ours_slow: list[float] = field(default_factory=list)
    base_slow: list[float] = field(default_factory=list)


def _median_time(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _cold_rerun(level: str, region: str) -> None:
    from mapkit.web.encode import area_geometry, outline_geometry

    area_geometry.cache_clear()
    outline_geometry.cache_clear()
    rerun("imd_score", level, region)


def measure_server(case: Case, runs: int, out: Path) -> Row:
    """(a), (b) and (d) for one view; writes ``ours-*.html`` and ``baseline-*.html`` into ``out``."""
    import mapkit

    row = Row(case)
    rerun("imd_score", case.level, case.region)  # warm up: files read, imports done, as in a running app
    mapkit.load_indicator("imd_score", case.level, case.region).head(2).explore().get_root().render()
    row.ours_build = _median_time(functools.partial(_cold_rerun, case.level, case.region), runs)
    row.ours_change = statistics.median(rerun(ind, case.level, case.region) for ind in INDICATORS[1:])
    row.ours_bytes = component_payload(build("imd_score", case.level, case.region))
    page = build("imd_score", case.level, case.region).to_map().get_root().render().encode()
    row.ours_page_bytes, row.ours_gzip = len(page), len(gzip.compress(page, 6))
    (out / f"ours-{slug(case)}.html").write_bytes(page)

    frame = mapkit.load_indicator("imd_score", case.level, case.region)
    row.areas = len(frame)
    baseline = b""

    def build_baseline() -> None:
        nonlocal baseline
        baseline = frame.explore().get_root().render().encode()

    row.base_build = _median_time(build_baseline, runs)
    row.base_bytes, row.base_gzip = len(baseline), len(gzip.compress(baseline, 6))
    (out / f"baseline-{slug(case)}.html").write_bytes(baseline)
    return row


def slug(case: Case) -> str:
    return f"{case.level}-{case.region}"


# --------------------------------------------------------------------------------------------------- browser


def _serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - fixed by the base class
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed while loading, e.g. its favicon
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _launch() -> tuple[Any, Any]:
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set MAPKIT_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        return playwright, playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                      headless=True)
    except Exception:
        playwright.stop()
        raise


def _context(browser: Any, *, intercept_all: bool = True) -> tuple[Any, Any]:
    """A fresh context with CDN files served from ``node_modules/``; ``intercept_all=False`` (timed pages) routes
    only CDN requests, so the page and its tiles pay no Playwright round trip (see ``cdn_routes``)."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from cdn_routes import RouteLog, install_routes

    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    log = install_routes(context, log=RouteLog(), intercept_all=intercept_all)
    return context, log


def _renderer_cpu(session: Any) -> dict[int, float]:
    """CPU seconds used so far by each renderer process of the browser (CDP ``SystemInfo.getProcessInfo``)."""
    return {p["id"]: p["cpuTime"] for p in session.send("SystemInfo.getProcessInfo")["processInfo"]
            if p["type"] == "renderer"}


def first_draw(browser: Any, session: Any, url: str, timeout_s: float, *,
               slow: bool = False) -> tuple[float, float]:
    """Seconds from navigation start to the first frame with a polygon drawn (fresh context, nothing cached), and
    the CPU seconds the page's renderer process used meanwhile (less sensitive to other jobs than wall time).
    ``slow``: over :data:`SLOW_LINK` instead of loopback speed."""
    context, log = _context(browser, intercept_all=False)
    try:
        context.add_init_script(FIRST_DRAW_JS)
        page = context.new_page()
        if slow:
            network = context.new_cdp_session(page)
            network.send("Network.enable")
            network.send("Network.emulateNetworkConditions", SLOW_LINK)
        before = _renderer_cpu(session)
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function("() => window.__mapkitFirstDraw !== undefined", timeout=timeout_s * 1000, polling=100)
        after = _renderer_cpu(session)
        if log.blocked_assets:
            raise RuntimeError(f"{url}: assets not served locally: {log.blocked_assets}")
        cpu = max(after[pid] - before.get(pid, 0.0) for pid in after)
        return page.evaluate("window.__mapkitFirstDraw") / 1000, cpu
    finally:
        context.close()


def measure_browser(browser: Any, rows: list[Row], base_url: str, runs: int) -> None:
    """(c) for every view, ours and the baseline alternating so that they share the machine's load."""
    session = browser.new_browser_cdp_session()
    for run in range(runs):
        for row in rows:
            if run >= (row.case.runs or runs):
                continue
            name = slug(row.case)
            for draws, cpus, slow, page in ((row.ours_draw, row.ours_cpu, row.ours_slow, "ours"),
                                            (row.base_draw, row.base_cpu, row.base_slow, "baseline")):
                draw, cpu = first_draw(browser, session, f"{base_url}/{page}-{name}.html", DRAW_TIMEOUT_S)
                draws.append(draw)
                cpus.append(cpu)
                slow.append(first_draw(browser, session, f"{base_url}/{page}-{name}.html", DRAW_TIMEOUT_S,
                                       slow=True)[0])


# --------------------------------------------------------------------------------------------------- memory


@dataclass
class Memory:
    idle_kib: int = 0
    one_kib: int = 0
    many_kib: int = 0
    sessions: int = 0
    first_draw_s: float = 0.0
    concurrent_draw_s: list[float] = field(default_factory=list)
    first_cpu_s: float = 0.0
    """Server CPU seconds to serve the first session (the script's first run: imports, data, geometry)."""
    concurrent_cpu_s: float = 0.0
    """Server CPU seconds to serve the other sessions, all together."""

    @property
    def per_session_kib(self) -> float:
        return (self.many_kib - self.one_kib) / max(self.sessions - 1, 1)


MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _open_app(browser: Any, url: str) -> tuple[Any, Any, float]:
    context, _ = _context(browser)
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=APP_TIMEOUT_S * 1000)
    return context, page, time.perf_counter()


def _wait_map_drawn(page: Any, started: float) -> float:
    """Wall seconds from ``goto`` until the app's map frame shows a drawn polygon."""
    page.wait_for_selector(MAP_FRAME, timeout=APP_TIMEOUT_S * 1000)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function(f"() => ({DRAWN_JS})() !== null", timeout=APP_TIMEOUT_S * 1000, polling=100)
    return time.perf_counter() - started


def measure_memory(browser: Any, sessions: int, out: Path) -> Memory:
    """(e): server RSS idle, after one session, after ``sessions`` concurrent sessions on the default view."""
    memory = Memory(sessions=sessions)
    contexts: list[Any] = []
    process, base_url = start_app(out / "streamlit.log", timeout=APP_TIMEOUT_S)
    try:
        time.sleep(1)
        memory.idle_kib = rss_kib(process.pid)
        cpu = cpu_seconds(process.pid)
        context, page, started = _open_app(browser, base_url)
        contexts.append(context)
        memory.first_draw_s = _wait_map_drawn(page, started)
        time.sleep(2)
        memory.one_kib = rss_kib(process.pid)
        now = cpu_seconds(process.pid)
        memory.first_cpu_s, cpu = now - cpu, now
        opened = [_open_app(browser, base_url) for _ in range(sessions - 1)]
        contexts.extend(c for c, _, _ in opened)
        memory.concurrent_draw_s = [_wait_map_drawn(p, s) for _, p, s in opened]
        time.sleep(2)
        memory.many_kib = rss_kib(process.pid)
        memory.concurrent_cpu_s = cpu_seconds(process.pid) - cpu
    finally:
        for context in contexts:
            context.close()
        stop_app(process)
    return memory


# --------------------------------------------------------------------------------------------------- report


def _ratio(ours: float, base: float) -> str:
    return f"{ours / base:.3f}" if base else "n/a"


def _median_ratio(ours: list[float], base: list[float]) -> str:
    return _ratio(statistics.median(ours), statistics.median(base)) if ours and base else "n/a"


def _label(row: Row) -> str:
    return row.case.label if row.case.offered else f"{row.case.label} (not offered)"


def _s(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "n/a"


def targets(rows: list[Row], memory: Memory | None) -> list[str]:
    """The targets set for the map (issue 6), each with its figure and whether it is met."""
    by = {r.case.label: r for r in rows}
    eng, wm = by["England wards"], by["West Midlands wards"]
    lsoa = [r for r in rows if r.case.level == "lsoa" and r.case.offered]
    checks = [
        ("England wards: bytes at most 1/5 of the baseline's", eng.ours_bytes / eng.base_bytes, 0.2, "ratio"),
        ("England wards: first draw at most 1/2 of the baseline's",
         statistics.median(eng.ours_draw) / statistics.median(eng.base_draw), 0.5, "ratio"),
        ("Indicator change, a CA's wards (West Midlands), server side", wm.ours_change, 0.2, "s"),
        ("Indicator change, England wards, server side", eng.ours_change, 1.0, "s"),
    ] + [(f"{r.case.label} draw in Chromium", statistics.median(r.ours_draw), 1.0, "s") for r in lsoa]
    lines = [f"- {'met' if value < limit or (unit == 'ratio' and value <= limit) else '**missed**'}: {name}: "
             f"{value:.3f}{' s' if unit == 's' else ''} (target {'≤' if unit == 'ratio' else '<'} {limit:g}"
             f"{' s' if unit == 's' else ''})" for name, value, limit, unit in checks]
    if eng.ours_slow and eng.base_slow:
        lines.append(f"- reported: England wards first draw over a 20 Mbit/s link, ours / baseline: "
                     f"{_median_ratio(eng.ours_slow, eng.base_slow)}")
    if memory is not None:
        lines.append(f"- reported: memory growth per browser session: {memory.per_session_kib / 1024:.1f} MiB "
                     f"(server RSS {memory.one_kib / 1024:.0f} MiB with 1 session, {memory.many_kib / 1024:.0f} MiB "
                     f"with {memory.sessions})")
    return lines


def report(rows: list[Row], memory: Memory | None, *, machine: str, chromium: str, load_start: str,
           load_end: str, runs: int) -> str:
    lines = [
        "# Our web map against `GeoDataFrame.explore()`: bytes, build time, first draw, memory", "",
        f"Run {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} with "
        "`python -m benchmarks map_vs_explore"
        f"{'' if runs == 3 else f' --runs {runs}'}`.", "",
        f"- Machine: {machine}; {chromium}, headless, software rendering (`--disable-gpu`).",
        f"- Load (`/proc/loadavg`) at start: {load_start}; at end: {load_end}. Other jobs shared this machine, so "
        "absolute timings are noisy; the ratios (ours and baseline measured alternately in the same run) are "
        "what count.",
        f"- Timings: median of {runs} runs; England LSOAs: 1 run (its baseline takes tens of seconds per page).",
        "- Ours: what `app.py` builds (`mapkit.web.webmap.build_map`: quantised delta-encoded geometry cached "
        "per view, all areas as one Leaflet layer on one canvas, per-area colour and tooltip arrays); bytes are the "
        "strings streamlit-folium sends for it. Baseline: "
        "`mapkit.load_indicator(\"imd_score\", level, region).explore()` rendered to HTML (every column, full "
        "precision, SVG).",
        "- Build: server side, ours with the view's geometry not yet encoded (first request for the view in a "
        "process; boundary files already read); baseline from the loaded frame to HTML.",
        "- First draw: from navigation start to the start of the animation frame after the first one with a "
        "polygon drawn, so that the frame has been painted (baseline: first `path.leaflet-interactive`; ours: "
        "first fill or stroke on a canvas in the map); pages served from loopback with CDN files from "
        "`node_modules/` (a Playwright route for CDN URLs only), a fresh browser context per run, tiles failing "
        "in the browser (no host resolves but loopback). Renderer CPU: CPU seconds of the page's "
        "renderer process over the same span (CDP `SystemInfo.getProcessInfo`), less sensitive than wall time to "
        "other jobs on the machine. At 20 Mbit/s: the same over an emulated 20 Mbit/s, 20 ms link (CDP "
        "`Network.emulateNetworkConditions`), where the bytes count as they would outside this machine.",
        "- Indicator change: the app's rerun when only the indicator changes (load, classify, build the layers "
        "and streamlit-folium's strings; geometry already encoded), median over the 7 other IoD domain "
        "scores. The baseline has no cheaper path than building a new page, so its figure is its build time.",
        "", "## Server side: bytes and build time", "",
        "| view | areas | bytes ours | bytes baseline | ratio | gzip ours | gzip baseline | build ours (s) "
        "| build baseline (s) | ratio | indicator change ours (s) | indicator change baseline (s) | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {_label(r)} | {r.areas:,} | {r.ours_bytes:,} | {r.base_bytes:,} | {_ratio(r.ours_bytes, r.base_bytes)} "
            f"| {r.ours_gzip:,} | {r.base_gzip:,} | {r.ours_build:.2f} | {r.base_build:.2f} "
            f"| {_ratio(r.ours_build, r.base_build)} | {r.ours_change:.3f} | {r.base_build:.2f} "
            f"| {_ratio(r.ours_change, r.base_build)} |")
    lines += ["", "## Headless Chromium: time to first drawn polygon", "",
              "| view | first draw ours (s) | first draw baseline (s) | ratio | renderer CPU ours (s) "
              "| renderer CPU baseline (s) | ratio | at 20 Mbit/s ours (s) | at 20 Mbit/s baseline (s) | ratio |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {_label(r)} | {_s(r.ours_draw)} | {_s(r.base_draw)} "
                     f"| {_median_ratio(r.ours_draw, r.base_draw)} | {_s(r.ours_cpu)} | {_s(r.base_cpu)} "
                     f"| {_median_ratio(r.ours_cpu, r.base_cpu)} | {_s(r.ours_slow)} | {_s(r.base_slow)} "
                     f"| {_median_ratio(r.ours_slow, r.base_slow)} |")
    lines += ["", "Every first-draw sample (s), ours / baseline:", ""]
    lines += [f"- {r.case.label}: {', '.join(f'{v:.2f}' for v in r.ours_draw)} / "
              f"{', '.join(f'{v:.2f}' for v in r.base_draw)}" for r in rows]
    if memory is not None:
        concurrent = memory.concurrent_draw_s
        lines += [
            "", "## Server memory per browser session", "",
            "`streamlit run app.py --server.headless true` on a free loopback port; Playwright contexts open the "
            "default view (West Midlands wards, IMD score) and wait until the map is drawn in each; RSS is "
            "`VmRSS` of the server process and its children, 2 s after the last map drew.", "",
            "| server state | RSS (MiB) |", "|---|---|",
            f"| started, no session | {memory.idle_kib / 1024:.0f} |",
            f"| 1 session | {memory.one_kib / 1024:.0f} |",
            f"| {memory.sessions} concurrent sessions | {memory.many_kib / 1024:.0f} |",
            f"| growth per extra session | {memory.per_session_kib / 1024:.1f} |", "",
            *([f"The process is smaller with {memory.sessions} sessions than with 1: the interpreter freed more "
               "memory (garbage collection, caches) than the sessions added, so the growth per session is within "
               "the noise of this measurement.", ""] if memory.per_session_kib < 0 else []),
            f"Time from opening the app to its map drawn (wall clock, through Streamlit): first session "
            f"{memory.first_draw_s:.1f} s (the script's first run in the process); the other "
            f"{memory.sessions - 1} opened together: median {statistics.median(concurrent):.1f} s, "
            f"slowest {max(concurrent):.1f} s. Server CPU (user + system, process and children): "
            f"{memory.first_cpu_s:.1f} s for the first session, {memory.concurrent_cpu_s:.1f} s for the other "
            f"{memory.sessions - 1} ({memory.concurrent_cpu_s / (memory.sessions - 1):.2f} s per session). "
            "The wall-clock times include the browser: the pages render in headless Chromium on the same cores as "
            "the server, so server CPU per session is the figure for capacity.",
        ]
    lines += ["", "## Targets (issue 6)", "", *targets(rows, memory), ""]
    return "\n".join(lines)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks map_vs_explore", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median); default 3")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions for memory")
    parser.add_argument("--skip-memory", action="store_true", help="skip (e), the Streamlit memory measurement")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.sessions < 2:
        parser.error("--runs must be at least 1 and --sessions at least 2")
    warnings.simplefilter("ignore")
    load_start = loadavg()
    rows: list[Row] = []
    memory = None
    with tempfile.TemporaryDirectory(prefix="mapkit-bench-") as tmp:
        out = Path(tmp)
        for case in CASES:
            print(f"server side: {case.label} ...", file=sys.stderr, flush=True)
            rows.append(measure_server(case, case.runs or args.runs, out))
        server, base_url = _serve(out)
        playwright, browser = _launch()
        try:
            chromium = f"Chromium {browser.version}"
            print("first draw in Chromium ...", file=sys.stderr, flush=True)
            measure_browser(browser, rows, base_url, args.runs)
            if not args.skip_memory:
                print(f"memory: streamlit with 1 and {args.sessions} sessions ...", file=sys.stderr, flush=True)
                memory = measure_memory(browser, args.sessions, out)
        finally:
            browser.close()
            playwright.stop()
            server.shutdown()
            server.server_close()
    text = report(rows, memory, machine=describe(), chromium=chromium, load_start=load_start, load_end=loadavg(),
                  runs=args.runs)
    (Path(__file__).parent / "results-map-vs-explore.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
