"""deploy/run.sh without a browser: its options, the nginx.conf it writes, and reading nginx's log
(``benchmarks.balancer``). The deployment itself, in Chromium: tests/browser/test_deploy_browser.py."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from benchmarks import balancer as lb

SCRIPT = lb.RUN_SCRIPT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(("args", "message"), [
    (["--replicas", "0"], "--replicas must be 1 to 32, not '0'"),
    (["--replicas", "two"], "--replicas must be 1 to 32, not 'two'"),
    (["--port", "99999"], "--port must be 1 to 65535"),
    (["--port", "8790", "--replica-port", "8789", "--replicas", "3"], "--port 8790 collides"),
    (["--address", "0.0.0.0;evil"], "is not an address"),
    (["--restart"], "unknown option: --restart"),
])
def test_bad_options_are_refused_with_the_reason(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_config_pins_browsers_and_proxies_the_websocket(tmp_path: Path) -> None:
    result = run("--print-config", "--replicas", "3", "--port", "8790", "--run-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    conf = result.stdout
    # New browsers: round robin over all three; pinned browsers: their replica, the other two as backups.
    replicas = conf.split("upstream replicas {")[1].split("}")[0]
    assert [line.split()[1] for line in replicas.splitlines() if "server " in line] == [
        "127.0.0.1:8791", "127.0.0.1:8792", "127.0.0.1:8793"]
    assert "backup" not in replicas
    pinned = conf.split("upstream r2 {")[1].split("}")[0]
    assert "server 127.0.0.1:8792 max_fails=0;" in pinned  # one failed request does not move its browsers
    assert "server 127.0.0.1:8791 max_fails=1 fail_timeout=10s backup;" in pinned
    assert "server 127.0.0.1:8793 max_fails=1 fail_timeout=10s backup;" in pinned
    for name in ("r1", "r2", "r3"):
        assert f"        {name} {name};" in conf  # the cookie's value maps to its upstream; anything else: default
    stream = conf.split("location = /_stcore/stream {")[1].split("}")[0]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    assert "proxy_read_timeout 1h;" in stream
    assert "listen 127.0.0.1:8790;" in conf
    # Only the app's page sets the cookie: a script or media request that failed over must not re-pin the browser.
    page = conf.split("location = / {")[1].split("}")[0]
    assert "add_header Set-Cookie $sticky_cookie;" in page
    assert conf.count("Set-Cookie") == 1
    assert not re.search(r"^\s*keepalive\s+\d", conf, flags=re.M)  # no reuse of connections to the replicas
    assert f"access_log {tmp_path}/nginx-access.log mapkit;" in conf

    nginx = lb.nginx_path()
    if nginx is None:
        pytest.skip("nginx not installed: the config's syntax was not checked by nginx -t")
    (tmp_path / "nginx.conf").write_text(conf)
    (tmp_path / "tmp").mkdir()  # deploy/run.sh makes it before nginx starts
    check = subprocess.run([nginx, "-e", str(tmp_path / "error.log"), "-t", "-c", str(tmp_path / "nginx.conf"),
                            "-p", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr


def entry(session: int | None, path: str, served_by: str, status: int = 200) -> dict:
    agent = lb.user_agent("150.0", session) if session is not None else "curl/7.88.1"
    return {"request": f"GET {path} HTTP/1.1", "status": status, "served_by": served_by, "user_agent": agent}


def test_routes_find_where_each_session_went() -> None:
    log = [
        entry(None, "/_stcore/health", "r1"),
        entry(0, "/", "r1"), entry(0, "/static/js/index.js", "r1"), entry(0, "/_stcore/stream", "r1"),
        entry(1, "/?region=E08000026", "r2"), entry(1, "/_stcore/stream", "r2"), entry(1, "/_stcore/stream", "r2"),
        entry(2, "/", "r1"), entry(2, "/_stcore/stream", "r2"),   # page on one replica, session on the other
        entry(3, "/", "r2"),                                       # never opened its session
    ]
    found = lb.routes(json.loads(json.dumps(log)))
    assert sorted(found) == [0, 1, 2, 3]
    assert found[0].problem() is None and found[0].requests == {"r1": 3}
    assert found[1].problem() is None and found[1].streams == ["r2", "r2"]  # a reconnect, same replica
    assert found[2].problem() == "session 2: requests went to several replicas (r1: 1, r2: 1)"
    assert found[3].problem() == "session 3: no websocket (/_stcore/stream) in nginx's log"
    assert lb.sessions_per_replica(found, {"r1": "a", "r2": "b", "r3": "c"}) == {"r1": 1, "r2": 2, "r3": 0}


def test_a_failed_request_is_not_counted_as_a_replica() -> None:
    found = lb.routes([entry(0, "/", "r1"), entry(0, "/_stcore/stream", "", status=502)])
    assert found[0].streams == ["none (502)"]
    assert "several replicas" in found[0].problem()


def test_free_port_block_is_free() -> None:
    import socket

    base = lb.free_port_block(3)
    for port in range(base, base + 3):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))
