"""Server CPU per interaction: this tree's app against an older commit's, both driven by Chromium in one run.

Two ``streamlit run app.py`` servers on loopback, side by side, with static serving on (as in
``.streamlit/config.toml``): this checkout, and the commit given by ``--baseline`` (default :data:`BASELINE`) checked
out with ``git worktree add`` in a temporary folder and run with the same Python. Both are warmed up first (each
view opened once, so geometry is encoded and its files written). Then, in each repetition and for each view, each
server in turn (the order alternating between repetitions) gets a fresh browser page that opens the view and makes:

* **indicator changes** in the sidebar's "Indicator" box (income score first, then indicators of the same theme not
  shown before in that repetition, the same for both servers), waiting until the map is redrawn with the new
  indicator (the areas' layer reports the label it drew and when, ``mapkitDrawnAt``);
* **area clicks** on the map's canvas (the point of inaccessibility of one of the view's largest areas, a different
  area each time, the same for both servers), waiting until the profile beside the map shows the area's name.

After each interaction the page must settle: every script run started has finished, no websocket message for
:data:`QUIET_S` seconds, and the server's CPU counter stopped moving. Measured per interaction:

* **server CPU**: user + system time of the server process and its children, including children that have exited
  (``/proc/<pid>/stat`` utime + stime + cutime + cstime, summed over the process tree), from just before the
  interaction to the settled state;
* **script runs**: ``new_session`` messages the page received (one per run of the script; fragment runs counted
  apart);
* **browser time**: for an indicator change, the option's click to the canvas redrawn with the new indicator; for a
  click, the mouse click to the profile's heading.

CDN files are answered from ``node_modules/`` (``tests/browser/cdn_routes.py``); tiles fail. Nothing is timed in
the tests: this is where speed is recorded, as ratios against the baseline measured in the same run. Writes
``benchmarks/results-cpu.md``. Run: ``python -m benchmarks cpu [--reps 5] [--changes 3] [--clicks 3]``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.machine import describe
from benchmarks.server import cpu_seconds, start_app, stop_app
from benchmarks.speed import REDRAWN_JS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results-cpu.md"
BASELINE = "e0c40e6"
"""main of 2026-12-06, before one pass per interaction (issue 23): the reference of the target."""
TARGET = 0.35
"""Issue 23's target: server CPU per indicator change and per click at most this share of the baseline's."""
CHROMIUM = Path(os.environ.get("MAPKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 180_000
QUIET_S = 1.2
"""Seconds without a websocket message before an interaction counts as settled."""
VIEWS = (("West Midlands wards", "ward", "E47000007"), ("England wards", "ward", "E92000001"))
START = "income_score"
THEME = "Deprivation domains (IoD2025)"


DRAWN_JS = """() => {
  let n = 0;
  if (!window.map) return 0;
  window.map.eachLayer(l => { if (l.mapkitList && l.options.interactive && l.mapkitDrawnAt) n += 1; });
  return n;
}"""

POINT_JS = """([lat, lng]) => {
  const p = window.map.latLngToContainerPoint([lat, lng]);
  const r = window.map.getContainer().getBoundingClientRect();
  return [r.left + p.x, r.top + p.y, window.map.getZoom(), window.map.getCenter().lat, window.map.getSize().x];
}"""


@dataclass
class App:
    """One server under test."""

    label: str
    root: Path
    script: str = "app.py"
    process: subprocess.Popen[bytes] | None = None
    base: str = ""


@dataclass
class Sample:
    """One interaction's cost."""

    app: str
    view: str
    kind: str
    rep: int
    cpu: float
    runs: int
    fragment_runs: int
    browser: float


@dataclass
class Messages:
    """What the page received over Streamlit's websocket: script runs started and finished, and when last."""

    started: int = 0
    fragments: int = 0
    finished: int = 0
    last: float = field(default_factory=time.monotonic)

    def on_frame(self, payload: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.last = time.monotonic()
        if isinstance(payload, str):
            return
        try:
            message = ForwardMsg.FromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg: only its time counts
            return
        if message.HasField("new_session"):
            if message.metadata.run.fragment_ids:
                self.fragments += 1
            else:
                self.started += 1
        elif message.HasField("script_finished"):
            self.finished += 1


# --- the two checkouts --------------------------------------------------------------------------------------------

def baseline_tree(commit: str, parent: Path) -> Path:
    """``commit`` checked out (detached) in ``parent/baseline`` with ``git worktree add``."""
    target = parent / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(target), commit],
                   check=True)
    return target


def remove_tree(path: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)


# --- what to do -----------------------------------------------------------------------------------------------

def indicators() -> list[tuple[str, str]]:
    """(id, label) of the ward indicators of :data:`THEME` after :data:`START`, in declaration order."""
    import mapkit

    reg = mapkit.registry()
    return [(i, s.label) for i, s in reg.indicators.items()
            if s.theme == THEME and "ward" in s.levels and i != START]


def click_targets(level: str, region: str, n: int) -> list[tuple[str, str, float, float]]:
    """(code, name, lat, lng) of the ``n`` largest areas, each at its pole of inaccessibility (a click there lands
    inside it however the map is zoomed)."""
    from shapely.ops import polylabel

    import mapkit

    areas = mapkit.load_boundaries(level, region)
    largest = areas.assign(size=areas.to_crs(27700).area).nlargest(n, "size")
    targets = []
    for code, name, geometry in zip(largest["code"], largest["name"], largest.geometry):
        polygon = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
        point = polylabel(polygon, tolerance=1e-4)
        targets.append((str(code), str(name), point.y, point.x))
    return targets


def view_url(base: str, level: str, region: str) -> str:
    return f"{base}/?{urlencode({'region': region, 'level': level, 'indicator': START})}"


# --- one page ---------------------------------------------------------------------------------------------------

def map_frame(page: Any) -> Any:
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_FRAME}').length === 1", timeout=TIMEOUT_MS)
    return page.locator(MAP_FRAME).element_handle().content_frame()


def settle(page: Any, messages: Messages, pid: int) -> None:
    """Wait until every run started has finished, the websocket is quiet and the server's CPU counter is still."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        if messages.finished < messages.started + messages.fragments:
            continue
        if time.monotonic() - messages.last < QUIET_S:
            continue
        before = cpu_seconds(pid)
        page.wait_for_timeout(300)
        if cpu_seconds(pid) == before and time.monotonic() - messages.last >= QUIET_S:
            return
    raise TimeoutError("the page did not settle")


def open_view(page: Any, app: App, messages: Messages, level: str, region: str) -> Any:
    """Open a view and wait until its map is drawn and the whole page has settled; returns the map's frame."""
    page.goto(view_url(app.base, level, region), timeout=TIMEOUT_MS)
    frame = map_frame(page)
    frame.wait_for_function(DRAWN_JS, timeout=TIMEOUT_MS, polling=100)
    settle(page, messages, app.process.pid)
    return map_frame(page)


def choose_indicator(page: Any, label: str) -> float:
    """Pick ``label`` in the sidebar's "Indicator" box; returns the click's time in ms since the epoch."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text("Indicator", exact=True))
    box.click()
    page.keyboard.type(label)
    option = page.get_by_role("option", name=label, exact=True).first
    option.wait_for(timeout=TIMEOUT_MS)
    clicked = time.time() * 1000
    option.click()
    return clicked


def page_point(page: Any, frame: Any, lat: float, lng: float) -> tuple[float, float]:
    """Page coordinates of a point on the map, once the map stopped moving (it refits as its frame is sized)."""
    previous = None
    for _ in range(40):
        x, y, *view = frame.evaluate(POINT_JS, [lat, lng])
        box = page.locator(MAP_FRAME).bounding_box()
        current = (x, y, *view, box["x"], box["y"])
        if current == previous:
            return box["x"] + x, box["y"] + y
        previous = current
        page.wait_for_timeout(250)
    return box["x"] + x, box["y"] + y


def measure(app: App, page: Any, messages: Messages, kind: str, act: Any) -> tuple[float, int, int, float]:
    """Run ``act`` (returns the browser time in seconds once the page shows its result) and the settled page's
    server CPU, script runs and fragment runs."""
    pid = app.process.pid
    started, fragments = messages.started, messages.fragments
    before = cpu_seconds(pid)
    seconds = act()
    settle(page, messages, pid)
    return cpu_seconds(pid) - before, messages.started - started, messages.fragments - fragments, seconds


def session(browser: Any, app: App, rep: int, view: tuple[str, str, str], changes: list[tuple[str, str]],
            clicks: list[tuple[str, str, float, float]]) -> list[Sample]:
    """One fresh page on ``app``: open the view, make the changes, then the clicks."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from cdn_routes import RouteLog, install_routes

    name, level, region = view
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    install_routes(context, log=RouteLog(), intercept_all=False)
    messages = Messages()
    samples = []
    try:
        page = context.new_page()
        page.on("websocket", lambda socket: socket.on("framereceived", messages.on_frame))
        frame = open_view(page, app, messages, level, region)
        for _, label in changes:
            def change(label: str = label) -> float:
                clicked = choose_indicator(page, label)
                drawn = frame.wait_for_function(REDRAWN_JS, arg=[label.replace("&", "&amp;"), clicked],
                                                timeout=TIMEOUT_MS, polling=16).json_value()
                return (drawn - clicked) / 1000

            samples.append(Sample(app.label, name, "indicator change", rep, *measure(app, page, messages,
                                                                                      "change", change)))
        for _, area_name, lat, lng in clicks:
            def click(area_name: str = area_name, lat: float = lat, lng: float = lng) -> float:
                x, y = page_point(page, frame, lat, lng)
                start = time.perf_counter()
                page.mouse.click(x, y)
                page.get_by_role("heading", name=area_name, exact=True).first.wait_for(timeout=TIMEOUT_MS)
                return time.perf_counter() - start

            samples.append(Sample(app.label, name, "area click", rep, *measure(app, page, messages, "click", click)))
    finally:
        context.close()
    return samples


# --- the run ----------------------------------------------------------------------------------------------------

def run(apps: list[App], *, reps: int, n_changes: int, n_clicks: int, log: Path) -> list[Sample]:
    from playwright.sync_api import sync_playwright

    options = indicators()
    targets = {name: click_targets(level, region, reps * n_clicks) for name, level, region in VIEWS}
    samples: list[Sample] = []
    for app in apps:
        app.process, app.base = start_app(log / f"{app.label.replace(' ', '-')}.log", root=app.root,
                                          script=app.script, timeout=180)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                for app in apps:  # warm-up: each view's geometry encoded and written once, not measured
                    for view in VIEWS:
                        session(browser, app, -1, view, [], [])
                        print(f"{app.label}: warmed up {view[0]}", file=sys.stderr)
                for rep in range(reps):
                    changes = [options[(rep * n_changes + i) % len(options)] for i in range(n_changes)]
                    order = apps if rep % 2 == 0 else apps[::-1]
                    for view in VIEWS:
                        clicks = targets[view[0]][rep * n_clicks:(rep + 1) * n_clicks]
                        for app in order:
                            got = session(browser, app, rep, view, changes, clicks)
                            samples.extend(got)
                            print(f"rep {rep}, {app.label}, {view[0]}: "
                                  + ", ".join(f"{s.kind} {s.cpu * 1000:.0f} ms/{s.runs} run(s)" for s in got),
                                  file=sys.stderr)
            finally:
                browser.close()
    finally:
        for app in apps:
            if app.process is not None:
                stop_app(app.process)
    return samples


# --- report -----------------------------------------------------------------------------------------------------

def median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(s, attribute) for s in samples)


def runs_text(samples: list[Sample]) -> str:
    runs = sorted({s.runs for s in samples})
    fragments = sorted({s.fragment_runs for s in samples})
    text = "/".join(map(str, runs))
    return text + (f" (+{'/'.join(map(str, fragments))} fragment)" if fragments != [0] else "")


def checkout_commit() -> str:
    """This checkout's commit, and whether files differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    return commit + (" with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def report(samples: list[Sample], apps: list[App], *, reps: int, n_changes: int, n_clicks: int,
           commit: str) -> str:
    base, ours = apps[0].label, apps[1].label
    lines = [
        "# Server CPU per interaction: one pass per change and per click (issue 23)", "",
        f"Run of {datetime.date.today():%d %b %Y}, `python -m benchmarks cpu --reps {reps} --changes {n_changes} "
        f"--clicks {n_clicks}` ({describe()}; a shared machine: CPU time is the server's own, but caches and "
        "frequency scaling still move it, hence the ratios of medians measured in the same run).", "",
        f"Two servers side by side: **{base}** (`git worktree add` of {commit}, run with the same Python) and "
        f"**{ours}** (this checkout, {checkout_commit()}), static serving on, both warmed up (each view opened "
        f"once). In each of {reps} "
        "repetitions and each view, each server in turn (alternating who goes first) gets a fresh Chromium page that "
        f"opens the view on the income score, makes {n_changes} indicator changes in the sidebar (indicators of the "
        f"same theme, new to that repetition, the same for both) and then clicks {n_clicks} areas of the map (the "
        "view's largest areas, each at its pole of inaccessibility, different in each repetition). Server CPU: "
        "user + system seconds of the server process and its children "
        "(`/proc/<pid>/stat` utime + stime + cutime + cstime) from the interaction to the settled page (every run "
        f"finished, no websocket message for {QUIET_S} s, the CPU counter still). Runs: script runs started "
        "(`new_session` messages), fragment runs apart. Browser: option click to the canvas redrawn with the new "
        "indicator; mouse click to the profile's heading.", "",
        f"| view | interaction | n | server CPU, {base} (ms) | server CPU, {ours} (ms) | ratio | target "
        f"| runs, {base} | runs, {ours} | browser, {base} (s) | browser, {ours} (s) | browser ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, _, _ in VIEWS:
        for kind in ("indicator change", "area click"):
            a = [s for s in samples if s.app == base and s.view == name and s.kind == kind]
            b = [s for s in samples if s.app == ours and s.view == name and s.kind == kind]
            if not a or not b:
                continue
            ratio = median(b, "cpu") / median(a, "cpu")
            browser_ratio = median(b, "browser") / median(a, "browser")
            lines.append(
                f"| {name} | {kind} | {len(b)} | {median(a, 'cpu') * 1000:.0f} | {median(b, 'cpu') * 1000:.0f} "
                f"| {ratio:.2f} | {'met' if ratio <= TARGET else 'not met'} (<= {TARGET}) | {runs_text(a)} "
                f"| {runs_text(b)} | {median(a, 'browser'):.2f} | {median(b, 'browser'):.2f} | {browser_ratio:.2f} |")
    lines += ["", "Every interaction: server CPU in ms (script runs) / browser time in s:", "",
              "| view | interaction | repetition | " + " | ".join(a.label for a in apps) + " |",
              "|---|---|---|" + "---|" * len(apps)]
    for name, _, _ in VIEWS:
        for kind in ("indicator change", "area click"):
            for rep in range(reps):
                cells = []
                for app in apps:
                    got = [s for s in samples if s.app == app.label and s.view == name and s.kind == kind
                           and s.rep == rep]
                    cells.append(", ".join(f"{s.cpu * 1000:.0f} ({s.runs}) / {s.browser:.2f}" for s in got) or "-")
                lines.append(f"| {name} | {kind} | {rep + 1} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks cpu", description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--changes", type=int, default=3, help="indicator changes per page (default 3)")
    parser.add_argument("--clicks", type=int, default=3, help="area clicks per page (default 3)")
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit compared with (default {BASELINE})")
    parser.add_argument("--script", default="app.py", help="this tree's page (default app.py)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        parser.error(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    if not (1 <= args.reps <= 20 and 1 <= args.changes <= 10 and 1 <= args.clicks <= 10):
        parser.error("--reps must be 1 to 20, --changes and --clicks 1 to 10")
    work = Path(tempfile.mkdtemp(prefix="mapkit-cpu-"))
    tree = baseline_tree(args.baseline, work)
    apps = [App(args.baseline, tree), App("this tree", ROOT, script=args.script)]
    try:
        samples = run(apps, reps=args.reps, n_changes=args.changes, n_clicks=args.clicks, log=work)
    finally:
        remove_tree(tree)
    text = report(samples, apps, reps=args.reps, n_changes=args.changes, n_clicks=args.clicks,
                  commit=args.baseline)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"server logs in {work}", file=sys.stderr)
    return 0
