"""deploy/run.sh in a browser: two replicas behind nginx, sessions through the balancer, each pinned to one replica.

Each browser context is one person: its User-Agent carries ``mapkit-session/N`` so nginx's access log shows which
replica served its page, its scripts and its websocket ``/_stcore/stream`` (where its Streamlit session lives).
Needs nginx (``apt-get install -y nginx-light``; ``.ci/run`` installs it): skips without it, fails instead under
``MAPKIT_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import re
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import mapkit
from benchmarks import balancer as lb
from cdn_routes import install_routes
from map_js import AREAS_JS

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SESSIONS = 4
TIMEOUT = 90_000
WMCA_WARDS = 192
COVENTRY = "E08000026"


@pytest.fixture
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if lb.nginx_path() is None:
        reason = "nginx not installed (apt-get install -y nginx-light): deploy/run.sh needs it"
        if os.environ.get("MAPKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (MAPKIT_REQUIRE_BROWSER=1 turns this skip into a failure)", pytrace=False)
        pytest.skip(reason)
    try:
        running = lb.start_balancer(tmp_path_factory.mktemp("deploy"), replicas=2, timeout=90)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield running
    lb.stop_balancer(running)


def wait_for_map(page: Any, count: int) -> None:
    """Until the single map frame draws ``count`` areas (Streamlit briefly keeps the old frame on a change)."""
    page.wait_for_function(
        """([selector, count, areasJs]) => {
            const frames = document.querySelectorAll(selector);
            if (frames.length !== 1 || !frames[0].contentWindow || !frames[0].contentWindow.map) return false;
            return frames[0].contentWindow.eval(areasJs)().length === count;
        }""", arg=[MAP_FRAME, count, f"({AREAS_JS})"], timeout=TIMEOUT)


def test_sessions_through_nginx_stay_on_one_replica_and_both_replicas_serve(browser: Any, deployment: Any) -> None:
    coventry = len(mapkit.load_boundaries("ward", COVENTRY))
    errors: list[str] = []
    contexts, pages, served_by = [], [], {}
    try:
        for session in range(SESSIONS):  # all open at once: four people on the map together
            context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block",
                                          user_agent=lb.user_agent(browser.version, session))
            install_routes(context)
            page = context.new_page()
            page.on("pageerror", lambda exc, s=session: errors.append(f"session {s}: page error: {exc}"))
            page.on("console", lambda m, s=session: errors.append(f"session {s}: console: {m.text}")
                    if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
            response = page.goto(deployment.url, timeout=TIMEOUT)
            assert response is not None and response.status == 200
            served_by[session] = response.headers.get("x-mapkit-replica")
            contexts.append(context)
            pages.append(page)
        for page in pages:
            wait_for_map(page, WMCA_WARDS)
        # A change is a rerun of the session's script over its websocket: it must reach the replica holding it.
        for page in pages:
            box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
            box.click()
            page.keyboard.type("Coventry")
            page.get_by_role("option", name=re.compile(r"^Coventry")).first.click()
        for page in pages:
            wait_for_map(page, coventry)
            assert "region=" + COVENTRY in page.url
            for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
                errors += [f"{selector}: {text}" for text in page.locator(selector).all_inner_texts()]
        cookies = {s: {c["name"]: c["value"] for c in ctx.cookies()}.get("mapkit_replica")
                   for s, ctx in enumerate(contexts)}
    finally:
        for context in contexts:
            context.close()
    assert errors == []
    assert cookies == served_by  # the page named its replica and the browser kept it

    # nginx logs a websocket when it closes: wait for the four, stop the deployment, then read who served whom.
    deployment.wait_for_streams(SESSIONS)
    pids = deployment.replica_pids()
    assert len(pids) == 2
    lb.stop_balancer(deployment)
    assert deployment.process.returncode == 0
    found = lb.routes(deployment.access_log())
    assert sorted(found) == list(range(SESSIONS))
    assert [route.problem() for route in found.values()] == [None] * SESSIONS
    for session, route in found.items():
        assert route.page == {served_by[session]} and set(route.streams) == {served_by[session]}
    per_replica = lb.sessions_per_replica(found, deployment.replicas)
    assert per_replica == {"r1": SESSIONS // 2, "r2": SESSIONS // 2}  # round robin for new browsers

    # Stopped cleanly: no replica left running, nothing listening.
    for pid in pids.values():
        assert not Path(f"/proc/{pid}").exists()
    assert not list(Path(deployment.run_dir).glob("*.pid"))
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{deployment.url}/_stcore/health", timeout=2)


def test_when_a_replica_dies_a_reload_reaches_the_other_and_the_script_restarts_it(browser: Any,
                                                                                  deployment: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block",
                                  user_agent=lb.user_agent(browser.version, 0))
    install_routes(context)
    try:
        page = context.new_page()
        first = page.goto(deployment.url, timeout=TIMEOUT).headers.get("x-mapkit-replica")
        wait_for_map(page, WMCA_WARDS)
        dead = deployment.replica_pids()[first]
        os.kill(dead, signal.SIGKILL)
        again = page.reload(timeout=TIMEOUT)
        other = again.headers.get("x-mapkit-replica")
        assert other in deployment.replicas and other != first
        wait_for_map(page, WMCA_WARDS)
        assert {c["name"]: c["value"] for c in context.cookies()}["mapkit_replica"] == other
    finally:
        context.close()
    deadline = time.monotonic() + 30
    while deployment.replica_pids().get(first) in (None, dead) and time.monotonic() < deadline:
        time.sleep(0.5)
    restarted = deployment.replica_pids().get(first)
    assert restarted not in (None, dead) and Path(f"/proc/{restarted}").exists()
    assert f"replica {first.removeprefix('r')} exited; restarting it" in (deployment.run_dir / "run.out").read_text()
