"""The app under test: ``streamlit run app.py`` on a free loopback port, and what its processes cost.

Shared by ``benchmarks.map_vs_explore`` (memory per session) and ``benchmarks.loadtest`` (concurrent sessions).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(log_path: Path, *, local_assets: bool = False, static_serving: bool | None = None,
              script: str = "app.py", port: int | None = None, timeout: float = 90.0,
              root: Path = ROOT) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app and wait until ``/_stcore/health`` answers; returns the process and its base URL.

    ``local_assets``: map scripts served by the app (docs/offline.md). ``static_serving``: Streamlit's
    ``server.enableStaticServing`` (default: on, as in .streamlit/config.toml; off sends each view's geometry
    inline with the map, the path before geometry files). ``script``: another page (a benchmark's floor).
    ``port``: a chosen port (default: a free one). ``root``: the checkout whose ``script`` runs, from its own folder
    (default: this one; ``benchmarks.cpu`` runs an older commit's checkout beside it). Raises ``RuntimeError``
    with the end of the server's log (the process stopped) when it does not come up within ``timeout`` seconds.
    """
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    static = local_assets or static_serving is not False
    command = [sys.executable, "-m", "streamlit", "run", str(root / script), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.enableStaticServing", str(static).lower()]
    env = {**os.environ, "MAPKIT_LOCAL_ASSETS": "1" if local_assets else "0"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return process, base
        except OSError:
            pass
        time.sleep(0.25)
    stop_app(process)
    raise RuntimeError(f"streamlit did not start; log {log_path}:\n{log_path.read_text(errors='replace')[-2000:]}")


def stop_app(process: subprocess.Popen[bytes]) -> None:
    """Stop the app's process group: SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_kib(pid: int) -> int:
    """VmRSS of a process and all its descendants, in KiB (0 when /proc is unavailable)."""
    total = 0
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants, including descendants that have exited (such as
    the renderers of closed browser contexts) once their parent has reaped them."""
    ticks = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")
