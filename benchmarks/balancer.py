"""The app behind the deploy/ load balancer: start ``deploy/run.sh``, and read from nginx's log who served whom.

Used by ``benchmarks.loadtest --through-balancer`` and by ``tests/browser/test_deploy_browser.py``. A browser session is
recognised in nginx's access log by a tag in its User-Agent (:func:`user_agent`), so the log shows, per session,
which replica served its page and which replica(s) its websocket ``/_stcore/stream`` (the Streamlit session) went to.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_SCRIPT = ROOT / "deploy" / "run.sh"
SESSION_TAG = re.compile(r"mapkit-session/(\d+)")


def nginx_path() -> str | None:
    """nginx on PATH or Debian's /usr/sbin/nginx, else None."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def user_agent(browser_version: str, session: int) -> str:
    """Chromium's headless User-Agent with ``mapkit-session/N`` appended: the session's name in nginx's log."""
    return (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/"
            f"{browser_version} Safari/537.36 mapkit-session/{session}")


def free_port_block(count: int, *, attempts: int = 50) -> int:
    """A port P such that P to P + count - 1 are all free on loopback (ephemeral range, chosen by the kernel)."""
    for _ in range(attempts):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            base = sock.getsockname()[1]
        if base + count > 65535:
            continue
        try:
            for port in range(base, base + count):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError(f"no block of {count} free loopback ports found")


@dataclass
class Balancer:
    """A running ``deploy/run.sh``: nginx at ``url`` in front of ``replicas`` (name -> host:port)."""

    process: subprocess.Popen[bytes]
    url: str
    run_dir: Path
    replicas: dict[str, str] = field(default_factory=dict)

    def replica_pids(self) -> dict[str, int]:
        pids = {}
        for name in self.replicas:
            path = self.run_dir / f"replica-{name.removeprefix('r')}.pid"
            try:
                pids[name] = int(path.read_text())
            except (OSError, ValueError):
                pass
        return pids

    def wait_for_streams(self, sessions: int, timeout: float = 15.0) -> None:
        """Wait until nginx has logged a websocket for each of ``sessions`` tagged sessions (it logs one when it
        closes, shortly after the browser context does), at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = routes(self.access_log())
            if sum(1 for route in found.values() if route.streams) >= sessions:
                return
            time.sleep(0.25)

    def access_log(self) -> list[dict]:
        """nginx's access log: one dict per request (time, request, status, upstream, served_by, cookie, ...)."""
        path = self.run_dir / "nginx-access.log"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def start_balancer(run_dir: Path, *, replicas: int = 2, port: int | None = None, local_assets: bool = False,
                   timeout: float = 180.0) -> Balancer:
    """Start ``deploy/run.sh --replicas N`` (nginx on ``port``, replicas on the ports after it; a free block of
    loopback ports when ``port`` is None) and wait until it reports ready. Raises ``RuntimeError`` with the end of
    the script's output when it stops or does not get ready within ``timeout`` seconds."""
    if port is None:
        port = free_port_block(replicas + 1)
    run_dir.mkdir(parents=True, exist_ok=True)
    output = run_dir / "run.out"
    env = {**os.environ, "PYTHON": sys.executable, "MAPKIT_LOCAL_ASSETS": "1" if local_assets else "0",
           "MAPKIT_DEPLOY_START_TIMEOUT": str(int(timeout))}
    with output.open("wb") as out:
        process = subprocess.Popen(["bash", str(RUN_SCRIPT), "--replicas", str(replicas), "--port", str(port),
                                    "--run-dir", str(run_dir)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    ready = run_dir / "ready"
    deadline = time.monotonic() + timeout + 10
    while time.monotonic() < deadline and process.poll() is None:
        if ready.exists():
            lines = [line.split() for line in ready.read_text().splitlines()]
            if lines and lines[-1][0] == "replica" and len(lines) == replicas + 1:
                return Balancer(process=process, url=lines[0][1], run_dir=run_dir,
                                replicas={name: address for _, name, address in lines[1:]})
        time.sleep(0.25)
    stop_balancer(process)
    raise RuntimeError(f"deploy/run.sh did not get ready; output {output}:\n"
                       f"{output.read_text(errors='replace')[-3000:]}")


def stop_balancer(process: subprocess.Popen[bytes] | Balancer) -> None:
    """SIGTERM to the script (it stops nginx and the replicas), then SIGKILL to its process group after 30 s."""
    if isinstance(process, Balancer):
        process = process.process
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
        return
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(timeout=5)


# --- who served whom ------------------------------------------------------------------------------------------

@dataclass
class SessionRoute:
    """Where one tagged browser session's requests went."""

    session: int
    page: set[str] = field(default_factory=set)
    """Replicas that served the app's page (``GET /``)."""
    streams: list[str] = field(default_factory=list)
    """Replica of each websocket ``/_stcore/stream`` (a Streamlit session), in log order."""
    requests: dict[str, int] = field(default_factory=dict)
    """Requests per replica, everything the session asked for."""

    def problem(self) -> str | None:
        """Why this session was not pinned to one replica, or None."""
        if not self.streams:
            return f"session {self.session}: no websocket (/_stcore/stream) in nginx's log"
        if len(self.requests) != 1:
            return (f"session {self.session}: requests went to several replicas "
                    f"({', '.join(f'{k}: {v}' for k, v in sorted(self.requests.items()))})")
        if len(set(self.streams)) != 1 or self.page != set(self.streams):
            return (f"session {self.session}: page from {sorted(self.page)} but websocket(s) on {self.streams}")
        return None


def routes(entries: list[dict]) -> dict[int, SessionRoute]:
    """Group nginx's log lines by the session tag in their User-Agent (untagged requests are left out)."""
    found: dict[int, SessionRoute] = {}
    for entry in entries:
        match = SESSION_TAG.search(entry.get("user_agent", ""))
        if not match:
            continue
        route = found.setdefault(int(match.group(1)), SessionRoute(session=int(match.group(1))))
        replica = entry.get("served_by") or f"none ({entry.get('status')})"
        route.requests[replica] = route.requests.get(replica, 0) + 1
        target = entry.get("request", "").split(" ")[1:2]
        path = target[0].split("?")[0] if target else ""
        if path == "/":
            route.page.add(replica)
        elif path == "/_stcore/stream":
            route.streams.append(replica)
    return found


def sessions_per_replica(found: dict[int, SessionRoute], replicas: dict[str, str]) -> dict[str, int]:
    """How many sessions' websockets each replica held (every replica listed, zero included)."""
    counts = dict.fromkeys(replicas, 0)
    for route in found.values():
        for replica in set(route.streams):
            counts[replica] = counts.get(replica, 0) + 1
    return counts
