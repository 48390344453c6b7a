"""One pass per interaction in the real app (Chromium): a click on an area, an indicator change and "Close profile"
each cost one run of the page, and the map's runtime is a file fetched once, not sent with every layer."""

from __future__ import annotations

import time
from typing import Any

import pytest

import mapkit
from mapkit import web
from test_app_browser import LOAD_TIMEOUT, MAP_FRAME, map_frame, page_point, wait_for_areas

pytestmark = pytest.mark.browser

WMCA = "E47000007"
BINLEY = "E05001219"  # Binley and Willenhall, Coventry: a ward well inside the map


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


class Runs:
    """Runs of the page as the browser sees them: one ``new_session`` message each (fragment runs apart)."""

    def __init__(self, page: Any) -> None:
        self.full = 0
        self.finished = 0
        self.texts: list[str] = []
        self.last = time.monotonic()
        page.on("websocket", lambda socket: socket.on("framereceived", self.frame))

    def frame(self, payload: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.last = time.monotonic()
        if isinstance(payload, str):
            return
        self.texts.append(payload.decode("utf-8", "replace"))
        message = ForwardMsg.FromString(payload)
        if message.HasField("new_session") and not message.metadata.run.fragment_ids:
            self.full += 1
        elif message.HasField("script_finished"):
            self.finished += 1

    def settle(self, page: Any) -> None:
        """Wait until the last run finished and nothing came for two seconds."""
        deadline = time.monotonic() + LOAD_TIMEOUT / 1000
        while time.monotonic() < deadline:
            page.wait_for_timeout(250)
            if time.monotonic() - self.last > 2.0:
                return
        raise AssertionError("the page did not settle")

    def during(self, page: Any, action: Any) -> int:
        self.settle(page)
        before = self.full
        self.texts.clear()
        action()
        self.settle(page)
        return self.full - before


def test_a_click_an_indicator_change_and_closing_the_profile_each_run_the_page_once(page: Any, app_url: str) -> None:
    runtime: list[str] = []
    page.on("request", lambda r: runtime.append(r.url) if "/app/static/assets/" in r.url else None)
    runs = Runs(page)
    page.goto(f"{app_url}/?region={WMCA}&level=ward&indicator=imd_score")
    frame = map_frame(page)
    wait_for_areas(frame, 192)
    runs.settle(page)
    assert sorted(url.rsplit("/", 1)[1].split(".")[0] for url in runtime) == ["map", "runtime"]

    point = mapkit.load_boundaries("ward", WMCA).set_index("code").loc[BINLEY, "geometry"].representative_point()
    x, y = page_point(page, frame, point.y, point.x)

    def click() -> None:
        page.mouse.click(x, y)
        page.get_by_role("heading", name="Binley and Willenhall").wait_for(timeout=LOAD_TIMEOUT)

    assert runs.during(page, click) == 1
    assert f"area={BINLEY}" in page.url

    def change() -> None:
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
            has=page.get_by_text("Indicator", exact=True)).click()
        page.keyboard.type("IMD: extent")
        page.get_by_role("option", name="IMD: extent").click()
        page.frame_locator(MAP_FRAME).locator(".mapkit-legend summary").filter(has_text="IMD: extent").wait_for(
            timeout=LOAD_TIMEOUT)

    assert runs.during(page, change) == 1
    sent = "".join(runs.texts)
    assert "window.mapkit.areas(" in sent  # the new layer ...
    for name in web.AREAS_RUNTIME:  # ... without the runtime the page already has
        assert web.static_text(name)[:200] not in sent

    def close() -> None:
        page.get_by_role("button", name="Close profile").click()
        page.get_by_text("Click an area on the map").wait_for(timeout=LOAD_TIMEOUT)

    assert runs.during(page, close) == 1
    assert "area=" not in page.url
    assert len(runtime) == 2  # fetched once for the page
