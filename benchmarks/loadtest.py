"""Load test: many concurrent browser sessions against a real ``streamlit run app.py``, changing region and indicator.

Starts the app on a free loopback port (``--server.headless true``), opens ``--sessions`` browser contexts in one
headless Chromium (Playwright, Debian ``/usr/bin/chromium``) and runs them at once. Each session opens the app,
waits for the map, then makes ``--changes`` changes through the sidebar, alternating region (typed into the region
picker) and indicator, and after each waits until the map frame shows the new view: the expected number of areas,
one known area code of the region, and the new indicator in the legend. The time from the click to that moment is
the change->redraw latency.

Errors counted: Streamlit exception elements and "cannot be shown" error boxes, uncaught page errors, console
errors, failed scripts, stylesheets and fonts, and timeouts. Bounded: at most :data:`MAX_SESSIONS` sessions, each
wait ``--wait`` seconds, the whole run ``--budget`` seconds; sessions start evenly over ``--ramp`` seconds.
Loopback only. By default (``--assets local``) the app serves the map scripts itself (``MAPKIT_LOCAL_ASSETS=1``,
docs/offline.md) and Chromium resolves no host name but loopback, so nothing sits in the request path; with
``--assets cdn`` the CDN URLs are answered from ``node_modules/`` by a Playwright route
(``tests/browser/cdn_routes.py``)
in this process, and everything else off this machine is aborted. Tiles never load.

With ``--through-balancer --replicas N`` the sessions go through nginx in front of N replicas started by
``deploy/run.sh`` (``benchmarks.balancer``); each session's User-Agent carries its number, and nginx's access log
then shows which replica served its page and its websocket ``/_stcore/stream`` (where its Streamlit session lives).
A session whose requests did not all stay on one replica counts as an error; the report gives the sessions per
replica. ``--compare`` runs one process and then the balancer, one after the other in the same invocation.

Server memory is the resident set (VmRSS) of the server process and its children (with the balancer: the deploy
script, nginx and every replica), sampled every 0.25 s.
Writes (or updates the row for this session count and server in) ``benchmarks/results-loadtest.md``.
Run: ``python -m benchmarks loadtest --sessions 10 [--through-balancer --replicas 2 | --compare]``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import balancer as lb
from benchmarks.machine import describe
from benchmarks.server import cpu_seconds, rss_kib, start_app, stop_app

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results-loadtest.md"
CHROMIUM = Path(os.environ.get("MAPKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MAX_SESSIONS = 50
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
REGIONS = ["E08000026", "E47000001", "E08000025", "E47000004", "E08000035", "E06000023", "E47000006",
           "E08000021", "E08000012"]
"""Regions visited (never the opening one, so every change is a change), each session starting at a different
one: districts and combined authorities, at ward level."""
START_REGION = "E47000007"
THEME = "Deprivation (IoD2025)"

VIEW_JS = """([frameSelector, sample, areas, label]) => {
    const frames = document.querySelectorAll(frameSelector);
    if (frames.length !== 1) return false;  // Streamlit briefly keeps the old frame while mounting a new one
    const w = frames[0].contentWindow;  // same origin: the component is served by the app
    if (!w || !w.map) return false;
    let n = 0, found = false;
    w.map.eachLayer(l => {
        if (!l.mapkitList || !l.options.interactive) return;  // the choropleth: one layer for all its areas
        for (const [code] of l.mapkitList()) { n++; if (code === sample) found = true; }
    });
    const summary = w.document.querySelector('.mapkit-legend summary');
    return n === areas && found && !!summary && summary.innerText.startsWith(label + ' (');
}"""
"""True once the single map frame shows the expected view. It runs inside the page (polled there), so waiting
costs no round trips between this script, Playwright and Chromium."""


@dataclass(frozen=True)
class View:
    """What the map must show after a change."""

    region: str
    region_name: str
    areas: int
    sample: str
    indicator_label: str


@dataclass
class SessionResult:
    latencies: list[float] = field(default_factory=list)
    first_load: float | None = None
    errors: list[str] = field(default_factory=list)


# --- one session ----------------------------------------------------------------------------------------------

def plan(session: int, changes: int) -> list[tuple[str, str]]:
    """The changes a session makes: ("region", code) and ("indicator", id), alternating, different per session."""
    import mapkit

    indicators = [i for i, s in mapkit.registry().indicators.items() if s.theme == THEME and "ward" in s.levels]
    steps = []
    for i in range(changes):
        if i % 2 == 0:
            steps.append(("region", REGIONS[(session + i // 2) % len(REGIONS)]))
        else:
            steps.append(("indicator", indicators[1 + (session + i // 2) % (len(indicators) - 1)]))
    return steps


def view_after(region: str, indicator: str) -> View:
    import mapkit

    wards = mapkit.load_boundaries("ward", region)
    return View(region=region, region_name=mapkit.region_name(region), areas=len(wards),
                sample=str(wards["code"].iloc[0]), indicator_label=mapkit.registry().indicator(indicator).label)


async def wait_for_view(page: Any, view: View, timeout: float) -> None:
    """Wait until the map frame shows ``view`` (Streamlit may swap the frame during a change)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(VIEW_JS, arg=[MAP_FRAME, view.sample, view.areas, view.indicator_label],
                                     polling=100, timeout=timeout * 1000)
    except PlaywrightTimeout:
        raise TimeoutError(f"map did not show the {view.areas} wards of {view.region_name} with "
                           f"{view.indicator_label!r} within {timeout:.0f} s") from None


async def open_picker(page: Any, label: str, text: str, option: re.Pattern[str]) -> Any:
    """Type into the sidebar selectbox called ``label``; return the option matching ``option``, ready to click."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True))
    await box.click()
    await page.keyboard.type(text)
    choice = page.get_by_role("option", name=option).first
    await choice.wait_for()
    return choice


async def page_errors(page: Any) -> list[str]:
    found = []
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        for element in await page.query_selector_all(selector):
            found.append(f"{selector}: {(await element.inner_text())[:300]}")
    return found


async def run_session(browser: Any, base: str, session: int, changes: int, wait: float, *, assets: str,
                      delay: float) -> SessionResult:
    from cdn_routes import cdn_file_for, content_type_for, is_loopback, is_tile_request

    await asyncio.sleep(delay)
    result = SessionResult()
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block",
                                        user_agent=lb.user_agent(browser.version, session))

    async def route(route: Any, request: Any) -> None:
        url = request.url
        if is_loopback(url) or not url.startswith(("http:", "https:")):
            await route.continue_()
            return
        path = cdn_file_for(url)
        if path is not None and path.is_file():
            await route.fulfill(status=200, body=path.read_bytes(), headers={
                "content-type": content_type_for(path), "access-control-allow-origin": "*"})
            return
        if not is_tile_request(url) and request.resource_type in ("script", "stylesheet", "font"):
            result.errors.append(f"session {session}: blocked asset {url}")
        await route.abort("blockedbyclient")

    phase = {"now": "first load", "since": time.perf_counter()}

    def where() -> str:
        return f"{phase['now']}, {time.perf_counter() - phase['since']:.0f} s in"

    def on_console(message: Any) -> None:
        # Failed requests are judged by on_failed (tiles are expected to fail), not by their console echo.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            result.errors.append(f"session {session} ({where()}): console error: {message.text[:300]}")

    def on_failed(request: Any) -> None:
        if not is_tile_request(request.url) and request.resource_type in ("script", "stylesheet", "font"):
            result.errors.append(f"session {session} ({where()}): {request.resource_type} failed: {request.url} "
                                 f"({request.failure})")

    if assets == "cdn":
        await context.route("**/*", route)
    page = await context.new_page()
    page.on("console", on_console)
    page.on("requestfailed", on_failed)
    page.on("pageerror", lambda exc: result.errors.append(f"session {session}: page error: {str(exc)[:300]}"))
    region, indicator = START_REGION, "imd_score"
    try:
        start = time.perf_counter()
        await page.goto(base, timeout=wait * 1000)
        await wait_for_view(page, view_after(region, indicator), wait)
        result.first_load = time.perf_counter() - start
        for number, (kind, value) in enumerate(plan(session, changes), start=1):
            if kind == "region":
                region = value
                expected = view_after(region, indicator)
                choice = await open_picker(page, "Region", expected.region_name,
                                           re.compile(rf"^{re.escape(expected.region_name)} \("))
            else:
                indicator = value
                expected = view_after(region, indicator)
                choice = await open_picker(page, "Indicator", expected.indicator_label,
                                           re.compile(rf"^{re.escape(expected.indicator_label)}$"))
            start = time.perf_counter()  # the user's choice: from here to the new map is the latency
            phase.update(now=f"change {number} ({kind})", since=start)
            await choice.click()
            await wait_for_view(page, expected, wait)
            result.latencies.append(time.perf_counter() - start)
        result.errors.extend(f"session {session}: {e}" for e in await page_errors(page))
    except Exception as exc:  # noqa: BLE001 - every failure of a session is a counted error, not a crash
        result.errors.append(f"session {session}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        try:
            result.errors.extend(f"session {session}: {e}" for e in await page_errors(page))
        except Exception:  # noqa: BLE001
            pass
    finally:
        await context.close()
    return result


# --- the run --------------------------------------------------------------------------------------------------

@dataclass
class Run:
    sessions: int
    changes: int
    assets: str
    ramp: float
    results: list[SessionResult]
    rss_idle: float
    rss_peak: float
    rss_end: float
    cpu: float
    client_cpu: float
    probes: list[float]
    wall: float
    load_before: float
    served_by: str = "1 process"
    per_replica: dict[str, int] = field(default_factory=dict)
    affinity_errors: list[str] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return sorted(x for r in self.results for x in r.latencies)

    @property
    def errors(self) -> list[str]:
        return [e for r in self.results for e in r.errors] + self.affinity_errors


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


async def _load(base: str, pid: int, sessions: int, changes: int, wait: float, budget: float, *, assets: str,
                ramp: float) -> Run:
    from playwright.async_api import async_playwright

    samples: list[float] = []
    probes: list[float] = []
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            samples.append(rss_kib(pid) / 1024)
            await asyncio.sleep(0.25)

    def health() -> float:
        start = time.perf_counter()
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=60) as response:
            response.read()
        return (time.perf_counter() - start) * 1000

    async def probe() -> None:
        """How quickly the server answers a trivial request while the sessions run (its event loop's lag)."""
        while not done.is_set():
            try:
                probes.append(await asyncio.to_thread(health))
            except OSError:
                probes.append(float("inf"))
            await asyncio.sleep(0.5)

    rss_idle = rss_kib(pid) / 1024
    cpu_start = cpu_seconds(pid)
    client_start = cpu_seconds(os.getpid()) - cpu_start  # this process and its children but the server
    load_before = os.getloadavg()[0]
    async with async_playwright() as playwright:
        # With local assets nothing needs routing: every host name but loopback fails to resolve in Chromium.
        args = CHROMIUM_ARGS + (["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] if assets == "local"
                                else [])
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
        sampler, prober = asyncio.create_task(sample()), asyncio.create_task(probe())
        start = time.perf_counter()
        tasks = [asyncio.create_task(run_session(browser, base, i, changes, wait, assets=assets,
                                                 delay=ramp * i / sessions)) for i in range(sessions)]
        finished, pending = await asyncio.wait(tasks, timeout=budget)
        for task in pending:
            task.cancel()
        wall = time.perf_counter() - start
        done.set()
        await sampler
        await prober
        results = [t.result() for t in tasks if t in finished]
        results += [SessionResult(errors=[f"session cut off by the {budget:.0f} s budget"]) for _ in pending]
        server_cpu = cpu_seconds(pid) - cpu_start
        client_cpu = cpu_seconds(os.getpid()) - cpu_seconds(pid) - client_start
        await browser.close()
    return Run(sessions=sessions, changes=changes, assets=assets, ramp=ramp, results=results, rss_idle=rss_idle,
               rss_peak=max(samples, default=rss_idle), rss_end=rss_kib(pid) / 1024, cpu=server_cpu,
               client_cpu=client_cpu, probes=sorted(probes), wall=wall, load_before=load_before)


# --- report ---------------------------------------------------------------------------------------------------

HEADER = ["sessions", "served by", "map scripts", "start spread (s)", "changes", "errors", "sessions per replica",
          "first load p50 (s)",
          "change->redraw p50 (s)", "p90 (s)", "max (s)", "server RSS idle / peak / end (MiB)",
          "server health p50 / max (ms)", "CPU server / browsers (s)", "wall (s)", "load avg before", "date"]


def row(run: Run) -> list[str]:
    lat = run.latencies
    first = sorted(r.first_load for r in run.results if r.first_load is not None)
    per_replica = " / ".join(f"{name} {n}" for name, n in sorted(run.per_replica.items())) or "-"
    return [str(run.sessions), run.served_by, run.assets, f"{run.ramp:.0f}", str(len(lat)), str(len(run.errors)),
            per_replica, f"{statistics.median(first):.2f}" if first else "-",
            f"{percentile(lat, 50):.2f}", f"{percentile(lat, 90):.2f}", f"{max(lat, default=float('nan')):.2f}",
            f"{run.rss_idle:.0f} / {run.rss_peak:.0f} / {run.rss_end:.0f}",
            f"{percentile(run.probes, 50):.0f} / {max(run.probes, default=float('nan')):.0f}",
            f"{run.cpu:.0f} / {run.client_cpu:.0f}", f"{run.wall:.0f}",
            f"{run.load_before:.1f}", datetime.date.today().isoformat()]


def read_rows(path: Path) -> dict[tuple[int, str, str, str], str]:
    """The table's rows keyed by (sessions, served by, map scripts, start spread). Rows written before the
    "served by" and "sessions per replica" columns existed are read as one process."""
    rows: dict[tuple[int, str, str, str], str] = {}
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].isdigit():
            continue
        if cells[1] in ("local", "cdn"):  # the older layout
            cells[1:1] = ["1 process"]
            cells[6:6] = ["-"]
            line = "| " + " | ".join(cells) + " |"
        rows[int(cells[0]), cells[1], cells[2], cells[3]] = line
    return rows


def write_results(runs: list[Run], path: Path = RESULTS) -> None:
    """Add or replace the rows for these runs (session count, server, scripts, start spread), keeping the others."""
    rows = read_rows(path)
    for run in runs:
        cells = row(run)
        rows[run.sessions, run.served_by, run.assets, cells[3]] = "| " + " | ".join(cells) + " |"
    lines = [
        "# Load test: concurrent sessions against `streamlit run app.py`", "",
        f"Machine: {describe()}. Browser and server share this machine (and, while these were measured, other "
        "work: see the load average).", "",
        "Each session is a Playwright context in one headless Chromium: it opens the app (West Midlands wards, IMD "
        "score), then changes region and indicator in turn through the sidebar and waits for the map to show the "
        "new view (area count, a known area code, the indicator in the legend). Change->redraw is the time from "
        "the option's click to that moment; \"changes\" is how many were timed. Errors: Streamlit exceptions and "
        "error boxes, page errors, console errors, failed scripts, stylesheets and fonts, and timeouts. Sessions "
        "start evenly over the start spread. Loopback only; tiles fail. Map scripts: \"local\" = served by the "
        "app (MAPKIT_LOCAL_ASSETS=1, docs/offline.md), Chromium resolving no host but loopback; \"cdn\" = CDN URLs "
        "answered from node_modules/ by a Playwright route in the load-test process. Server memory is the "
        "resident set of the server process and its children; server health is how long `/_stcore/health` took "
        "to answer, polled every 0.5 s during the run (the server's event-loop lag); CPU is user + system seconds "
        "of the server and of the load generator (Chromium, Playwright, the script), on the machine's cores. "
        "Served by: \"1 process\" = one `streamlit run app.py`; \"nginx, N replicas\" = `deploy/run.sh --replicas "
        "N` (nginx in front of N processes, cookie affinity), the server's memory and CPU then being all of them "
        "and nginx, and \"sessions per replica\" how many sessions' websockets each replica held according to "
        "nginx's access log; a session whose page, scripts and websocket did not all go to one replica counts as "
        "an error. Rows run together by `--compare` share the date and load average. "
        "Run: `python -m benchmarks loadtest --sessions N [--assets local|cdn] [--ramp S] "
        "[--through-balancer --replicas N | --compare]`.",
        "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER),
        *(rows[key] for key in sorted(rows)),
    ]
    for run in runs:
        if run.errors:
            lines += ["", f"Errors in the latest run ({run.sessions} sessions, {run.served_by}, {run.assets}, "
                          f"{run.ramp:.0f} s):", "", *(f"- {e}" for e in run.errors[:30])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help=f"concurrent sessions (1 to {MAX_SESSIONS})")
    parser.add_argument("--changes", type=int, default=6, help="changes per session, region and indicator in turn")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for one redraw")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for the whole run")
    parser.add_argument("--assets", choices=("local", "cdn"), default="local",
                        help="local: the app serves the map scripts (MAPKIT_LOCAL_ASSETS=1) and Chromium resolves no "
                             "host but loopback; cdn: the CDN URLs are answered from node_modules/ by a Playwright "
                             "route in this process")
    parser.add_argument("--ramp", type=float, default=None,
                        help="seconds over which the sessions start (default: one second per session)")
    parser.add_argument("--through-balancer", action="store_true",
                        help="run the sessions through nginx in front of --replicas processes (deploy/run.sh)")
    parser.add_argument("--replicas", type=int, default=2, help="replicas behind the balancer (1 to 8)")
    parser.add_argument("--port", type=int, default=None,
                        help="the balancer's port, the replicas on the ports after it (default: a free block)")
    parser.add_argument("--compare", action="store_true",
                        help="one process, then --replicas behind the balancer, in this one run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 8:
        parser.error("--replicas must be 1 to 8")
    if (args.through_balancer or args.compare) and lb.nginx_path() is None:
        parser.error("nginx not found: apt-get install -y nginx-light")
    if not 1 <= args.sessions <= MAX_SESSIONS or not 1 <= args.changes <= 20:
        parser.error(f"--sessions must be 1 to {MAX_SESSIONS} and --changes 1 to 20")
    if not CHROMIUM.exists():
        parser.error(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from cdn_routes import missing_assets

    if missing_assets():
        parser.error("browser assets missing: run bash tools/install_browser_assets.sh")
    if args.assets == "local":
        from mapkit.web import assets

        if any(not (assets.VENDOR_DIR / assets.cdn_path(url)).is_file() for url in assets.known_asset_urls()):
            print(f"installing the map scripts into {assets.VENDOR_DIR} ({assets.INSTALL_COMMAND})", file=sys.stderr)
            assets.install_assets()
    ramp = float(args.sessions) if args.ramp is None else args.ramp
    servers = ([None, args.replicas] if args.compare else [args.replicas] if args.through_balancer else [None])
    runs = []
    for replicas in servers:
        logs = Path(tempfile.mkdtemp(prefix="loadtest-"))
        run = (run_direct(args, ramp, logs) if replicas is None else run_balanced(args, ramp, logs, replicas))
        runs.append(run)
        lat = run.latencies
        per_replica = ", ".join(f"{k}: {v}" for k, v in sorted(run.per_replica.items()))
        print(f"{run.served_by}: {run.sessions} sessions, {len(lat)} changes timed, {len(run.errors)} errors; "
              f"change->redraw p50 {percentile(lat, 50):.2f} s, p90 {percentile(lat, 90):.2f} s, max "
              f"{max(lat, default=float('nan')):.2f} s; server RSS idle {run.rss_idle:.0f} MiB, peak "
              f"{run.rss_peak:.0f} MiB" + (f"; sessions per replica {per_replica}" if per_replica else "")
              + f"; logs {logs}", file=sys.stderr)
        for error in run.errors[:20]:
            print(f"  {error}", file=sys.stderr)
    write_results(runs, args.out)
    return 1 if any(run.errors for run in runs) else 0


def run_direct(args: argparse.Namespace, ramp: float, logs: Path) -> Run:
    """The sessions against one ``streamlit run app.py``."""
    try:
        process, base = start_app(logs / "server.log", local_assets=args.assets == "local")
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    try:
        return asyncio.run(_load(base, process.pid, args.sessions, args.changes, args.wait, args.budget,
                                 assets=args.assets, ramp=ramp))
    finally:
        stop_app(process)


def run_balanced(args: argparse.Namespace, ramp: float, logs: Path, replicas: int) -> Run:
    """The sessions through nginx in front of ``replicas`` processes (deploy/run.sh), with nginx's account of
    which replica served each session."""
    try:
        running = lb.start_balancer(logs, replicas=replicas, port=args.port, local_assets=args.assets == "local")
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    try:
        run = asyncio.run(_load(running.url, running.process.pid, args.sessions, args.changes, args.wait,
                                args.budget, assets=args.assets, ramp=ramp))
        running.wait_for_streams(args.sessions)
    finally:
        lb.stop_balancer(running)
    found = lb.routes(running.access_log())
    run.served_by = f"nginx, {replicas} replicas"
    run.per_replica = lb.sessions_per_replica(found, running.replicas)
    run.affinity_errors = [p for p in (route.problem() for route in found.values()) if p]
    run.affinity_errors += [f"session {i}: not in nginx's access log" for i in range(args.sessions) if i not in found]
    return run
