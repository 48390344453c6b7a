"""Uploads at office scale, against a running ``streamlit run app.py`` (the app part of ``python -m benchmarks
hostile``).

* **At once**: N browser sessions (1, 6 and 10 by default) open the app and wait for its sidebar, then all choose the
  same small file within the same second. Per session: the seconds from choosing the file to its message (drawn,
  or why not), and whether it saw the queue's message ("Waiting for N earlier uploads"). The server's process tree
  is sampled every 50 ms: its peak resident memory (VmRSS summed over the processes, so pages a worker shares with
  its launcher count twice: an upper bound) and the most worker processes alive at once (the server's
  grandchildren: the workers forked by the launcher, or by multiprocessing's fork server before it).
* **A held upload's rerun cost**: one session without an upload, then one holding the 5,000-point file, make the
  same indicator changes through the sidebar; for each change (a rerun) the server's CPU seconds (its process tree,
  until it is idle again) and the bytes the page received over Streamlit's websocket. The ratio with/without is the
  cost of holding the upload.

Chromium (Playwright, Debian ``/usr/bin/chromium``) resolves no host but loopback; the app serves the map scripts
itself (``MAPKIT_LOCAL_ASSETS=1``). Tiles never load.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.loadtest import CHROMIUM, CHROMIUM_ARGS, START_REGION, open_picker, view_after, wait_for_view
from benchmarks.server import cpu_seconds, process_tree, rss_kib

UPLOAD_INPUT = '[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]'
MESSAGE_JS = """() => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (!bar) return null;
    const text = bar.innerText;
    if (text.includes('Waiting for')) window.mapkitQueued = (text.match(/Waiting for [^\\n]*/) || [''])[0];
    const drawn = text.match(/Drawn as Your layer[^\\n]*/);
    if (drawn) return 'drawn: ' + drawn[0];
    const alerts = [...bar.querySelectorAll('[data-testid="stAlert"]')].map(a => a.innerText)
        .filter(t => !t.includes('Waiting for'));
    return alerts.length ? 'message: ' + alerts[0].replace(/^\\W+/, '') : null;
}"""
"""The sidebar's outcome for an upload (``null`` until there is one; the queue's notice is not one, but is noted)."""
INDICATORS = ("imd_extent", "imd_average_rank", "imd_most_deprived_10pct", "imd_local_concentration",
              "imd_most_deprived_20pct")
"""The changes each session makes, in turn: ward indicators of the opening theme (so the picker lists them), each
new to the page, so that no change is a message the browser has cached already (Streamlit sends a repeated large
message as a reference); more changes than these repeat them."""


def small_file() -> tuple[str, bytes]:
    """A 2 kB GeoJSON of a few places and one area in the West Midlands (the issue's "same 2 KB file")."""
    features = [{"type": "Feature", "properties": {"name": f"Site {i}", "ref": f"S{i:03d}"},
                 "geometry": {"type": "Point", "coordinates": [round(-1.95 + i * 0.031, 5), round(52.42 + i * 0.007,
                                                                                                 5)]}}
                for i in range(12)]
    features.append({"type": "Feature", "properties": {"name": "Growth area"}, "geometry": {
        "type": "Polygon", "coordinates": [[[-1.9, 52.45], [-1.85, 52.45], [-1.85, 52.49], [-1.9, 52.49],
                                            [-1.9, 52.45]]]}})
    return "sites.geojson", json.dumps({"type": "FeatureCollection", "features": features}).encode()


def points_file(n: int = 5_000) -> tuple[str, bytes]:
    """One MultiPoint of ``n`` points over the West Midlands (the issue's 79 kB file of 5,000 points)."""
    coordinates = [[round(-2.1 + (i % 100) * 0.006, 4), round(52.35 + (i // 100) * 0.004, 4)] for i in range(n)]
    return "points.geojson", json.dumps({"type": "Feature", "properties": {"name": "Sites"}, "geometry": {
        "type": "MultiPoint", "coordinates": coordinates}}).encode()


def workers_alive(pid: int) -> int:
    """Processes in the server's tree whose parent is not the server: the workers of its pool."""
    tree = process_tree(pid)
    count = 0
    for member in tree:
        if member == pid:
            continue
        try:
            parent = int(Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        count += parent != pid
    return count


@dataclass
class Sampler:
    """The server tree's RSS and workers, every 50 ms while running."""

    pid: int
    rss_mib: list[float] = field(default_factory=list)
    workers: list[int] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while not self._stop.is_set():
            self.rss_mib.append(rss_kib(self.pid) / 1024)
            self.workers.append(workers_alive(self.pid))
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()


async def _browser(playwright: Any) -> Any:
    args = CHROMIUM_ARGS + ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)


async def _open(browser: Any, base: str, wait: float, on_socket: Any = None) -> Any:
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    page = await context.new_page()
    if on_socket is not None:
        page.on("websocket", on_socket)
    await page.goto(base, timeout=wait * 1000)
    await page.locator(UPLOAD_INPUT).wait_for(state="attached", timeout=wait * 1000)
    return page


@dataclass
class AtOnce:
    """N people choosing the same file at once."""

    people: int
    seconds: list[float]
    outcomes: list[str]
    queued: list[str]
    rss_idle: float
    rss_peak: float
    workers_peak: int
    errors: list[str]
    load_before: float


async def at_once(base: str, pid: int, people: int, *, wait: float = 120.0) -> AtOnce:
    """``people`` sessions choose :func:`small_file` at once; their seconds to a message and the server's cost."""
    from playwright.async_api import async_playwright

    name, data = small_file()
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await _browser(playwright)
        pages = await asyncio.gather(*(_open(browser, base, wait) for _ in range(people)))
        await asyncio.sleep(2.0)  # the pages' own start-up reruns settle
        rss_idle, load_before = rss_kib(pid) / 1024, os.getloadavg()[0]
        sampler = Sampler(pid)
        sampling = asyncio.create_task(sampler.run())

        async def one(page: Any) -> tuple[float, str, str]:
            start = time.perf_counter()
            await page.locator(UPLOAD_INPUT).set_input_files(
                files=[{"name": name, "mimeType": "application/geo+json", "buffer": data}])
            try:
                handle = await page.wait_for_function(MESSAGE_JS, polling=50, timeout=wait * 1000)
                outcome = await handle.json_value()
            except Exception as exc:  # noqa: BLE001 - a session without a message is a counted error
                outcome = f"no message within {wait:.0f} s"
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            seconds = time.perf_counter() - start
            queued = await page.evaluate("() => window.mapkitQueued || ''")
            return seconds, outcome, queued

        results = await asyncio.gather(*(one(page) for page in pages))
        await asyncio.sleep(0.5)
        sampler.stop()
        await sampling
        await browser.close()
    return AtOnce(people=people, seconds=[r[0] for r in results], outcomes=[r[1] for r in results],
                  queued=[r[2] for r in results if r[2]], rss_idle=rss_idle,
                  rss_peak=max(sampler.rss_mib, default=rss_idle), workers_peak=max(sampler.workers, default=0),
                  errors=errors, load_before=load_before)


@dataclass
class RerunCost:
    """One session's indicator changes: server CPU and websocket bytes per change."""

    holding: str
    changes: int
    cpu: list[float]
    received: list[int]

    @property
    def cpu_per_change(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def bytes_per_change(self) -> float:
        return statistics.median(self.received) if self.received else float("nan")


async def _idle(pid: int, *, quiet: float = 0.6, limit: float = 60.0) -> None:
    """Wait until the server's tree has used (almost) no CPU for ``quiet`` seconds: its rerun has finished."""
    end = time.monotonic() + limit
    last, since = cpu_seconds(pid), time.monotonic()
    while time.monotonic() < end:
        await asyncio.sleep(0.2)
        now = cpu_seconds(pid)
        if now - last > 0.02:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


async def rerun_cost(base: str, pid: int, *, changes: int = 6, upload: tuple[str, bytes] | None = None,
                     wait: float = 120.0) -> RerunCost:
    """One session (holding ``upload`` if given) makes ``changes`` indicator changes; each one's server cost."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await _browser(playwright)
        received = [0]

        def on_socket(socket: Any) -> None:
            socket.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

        page = await _open(browser, base, wait, on_socket)
        await wait_for_view(page, view_after(START_REGION, "imd_score"), wait)
        if upload is not None:
            name, data = upload
            await page.locator(UPLOAD_INPUT).set_input_files(
                files=[{"name": name, "mimeType": "application/geo+json", "buffer": data}])
            outcome = await (await page.wait_for_function(MESSAGE_JS, polling=100, timeout=wait * 1000)).json_value()
            if not str(outcome).startswith("drawn"):
                raise RuntimeError(f"the upload was not drawn: {outcome}")
        await _idle(pid)
        cpu, sizes = [], []
        for number in range(changes):
            indicator = INDICATORS[number % len(INDICATORS)]
            expected = view_after(START_REGION, indicator)
            choice = await open_picker(page, "Indicator", expected.indicator_label,
                                       re.compile(rf"^{re.escape(expected.indicator_label)}$"))
            await _idle(pid)
            before, received[0] = cpu_seconds(pid), 0
            await choice.click()
            await wait_for_view(page, expected, wait)
            await _idle(pid)
            cpu.append(cpu_seconds(pid) - before)
            sizes.append(received[0])
        await browser.close()
    holding = "nothing" if upload is None else f"{upload[0]} ({len(upload[1]) / 1024:,.0f} kB)"
    return RerunCost(holding=holding, changes=changes, cpu=cpu, received=sizes)


def at_once_section(runs: list[AtOnce]) -> list[str]:
    lines = ["## People uploading at once", "",
             "N browser sessions choose the same 2 kB GeoJSON within the same second, against one `streamlit run "
             "app.py`; seconds from choosing the file to its message in the sidebar. Server RSS is the process tree "
             "(server, launcher, workers), sampled every 50 ms, summed over processes (shared pages count in each: "
             "an upper bound). Workers: the most worker processes alive at once.", "",
             "| People | Seconds to message, median / max | Saw the queue's message | Outcomes | Server RSS idle / "
             "peak (MiB) | Workers alive, peak | Errors | Load average before |", "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        outcomes = "; ".join(f"{n} x {o}" for o, n in _counts(run.outcomes)).replace("|", "\\|")
        queued = f"{len(run.queued)} ({run.queued[0]})" if run.queued else "0"
        lines.append(f"| {run.people} | {statistics.median(run.seconds):.1f} / {max(run.seconds):.1f} | "
                     f"{queued.replace('|', '/')} | {outcomes} | {run.rss_idle:,.0f} / {run.rss_peak:,.0f} | "
                     f"{run.workers_peak} | {len(run.errors)} | {run.load_before:.1f} |")
    return lines + [""]


def rerun_section(runs: list[RerunCost]) -> list[str]:
    lines = ["## A held upload's rerun cost", "",
             "One session without an upload, then one holding the 5,000-point file, make the same indicator changes; "
             "per change (one rerun) the server tree's CPU seconds until it is idle again and the bytes the page "
             "received over the websocket (medians).", "",
             "| Session holding | Changes | Server CPU per change (s) | Received per change (kB) | CPU ratio |",
             "|---|---|---|---|---|"]
    base = runs[0].cpu_per_change if runs else float("nan")
    for run in runs:
        lines.append(f"| {run.holding} | {run.changes} | {run.cpu_per_change:.2f} | {run.bytes_per_change / 1024:,.0f} "
                     f"| {run.cpu_per_change / base:.2f} |")
    return lines + [""]


def _counts(values: list[str]) -> list[tuple[str, int]]:
    seen: dict[str, int] = {}
    for value in values:
        seen[value[:160]] = seen.get(value[:160], 0) + 1
    return list(seen.items())
