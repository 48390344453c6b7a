"""Shared fixtures: headless Chromium with offline CDN routes, a static file server, a Streamlit server.

Browser tests carry ``@pytest.mark.browser``. They skip, with the reason, when Chromium
(``apt-get install -y chromium``) or the browser assets (``bash tools/install_browser_assets.sh``)
are missing; with ``MAPKIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead, so CI cannot
pass by skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

from cdn_routes import NODE_MODULES, REPO_ROOT, RouteLog, install_routes, missing_assets

CHROMIUM = Path(os.environ.get("MAPKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_DIR = REPO_ROOT / "test-output"
STREAMLIT_START_TIMEOUT = 60.0


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail when the run requires the browser (CI)."""
    if os.environ.get("MAPKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (MAPKIT_REQUIRE_BROWSER=1 turns this skip into a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``test-output/`` at the repo root (gitignored): screenshots and other files to look at."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never Playwright's own browser downloads)."""
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    missing = missing_assets()
    if missing:
        _unavailable(
            f"browser assets missing from {NODE_MODULES} ({', '.join(missing[:3])}...): "
            "run bash tools/install_browser_assets.sh"
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -r requirements-dev.txt")

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except PlaywrightError as error:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} failed to start: {error}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def route_log() -> RouteLog:
    """What the current test's browser context served, aborted as tiles, or blocked."""
    return RouteLog()


@pytest.fixture
def browser_context(browser: Any, route_log: RouteLog) -> Iterator[Any]:
    """A fresh browser context per test, with CDN requests served from ``node_modules/``.

    Function-scoped (unlike ``browser``) so cookies, storage and ``route_log`` do not leak between tests.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    context.set_default_timeout(30_000)
    from playwright.sync_api import expect

    # Playwright's assertions wait 5 s by default; CI machines with two cores need longer under load.
    expect.set_options(timeout=30_000)
    install_routes(context, log=route_log)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: Any) -> Any:
    """A new page in ``browser_context``."""
    return browser_context.new_page()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature fixed by the base class
        pass


@pytest.fixture
def static_server() -> Iterator[Callable[[Path], str]]:
    """Factory: ``static_server(directory)`` serves it on 127.0.0.1 in a thread and returns the base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server and anything it spawned, escalating to SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_healthy(process: subprocess.Popen[bytes], base_url: str, log_path: Path, timeout: float) -> None:
    """Poll ``/_stcore/health`` until it answers ``ok``; fail with the server log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    _stop_process_group(process)
    log_tail = log_path.read_text(errors="replace")[-3000:]
    state = f"exited with {process.returncode}" if process.returncode is not None else f"not healthy in {timeout:.0f} s"
    pytest.fail(f"streamlit server {state}; log {log_path}:\n{log_tail}", pytrace=False)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Factory: ``streamlit_server(script="app.py")`` returns the base URL of a running server.

    The server runs from the repo root on a free loopback port and is shared by every test asking
    for the same script, extra environment (``env``) and extra ``streamlit run`` options (``options``);
    each one is stopped (whole process group) at the end of the session.
    """
    running: dict[tuple, tuple[subprocess.Popen[bytes], str]] = {}

    def start(script: str | Path = "app.py", *, timeout: float = STREAMLIT_START_TIMEOUT,
              env: Mapping[str, str] | None = None, options: Sequence[str] = ()) -> str:
        script_path = (REPO_ROOT / script).resolve()
        key = (script_path, tuple(sorted((env or {}).items())), tuple(options))
        if key in running:
            return running[key][1]
        if not script_path.is_file():
            pytest.fail(f"streamlit script not found: {script_path}", pytrace=False)
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
        command = [
            sys.executable, "-m", "streamlit", "run", str(script_path),
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *options,
        ]  # fmt: skip
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        running[key] = (process, base_url)
        _wait_healthy(process, base_url, log_path, timeout)
        return base_url

    yield start
    for process, _ in running.values():
        _stop_process_group(process)
