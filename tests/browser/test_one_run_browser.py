"""One pass per interaction in the real app (Chromium): a click on an area, an indicator change, "Close profile" and
a row picked in the ranked table each cost one run of the page; turning the table's page or choosing an export
format runs its panel alone (a fragment); the map's runtime is a file fetched once, not sent with every layer."""

from __future__ import annotations

import time
from typing import Any

import pytest

import mapkit
import mapkit.export
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
        self.fragments = 0
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
        elif message.HasField("new_session"):
            self.fragments += 1
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
        """Full runs of the page caused by ``action``."""
        return self.counted(page, action)[0]

    def counted(self, page: Any, action: Any) -> tuple[int, int]:
        """Full runs and fragment runs caused by ``action``."""
        self.settle(page)
        full, fragments = self.full, self.fragments
        self.texts.clear()
        action()
        self.settle(page)
        return self.full - full, self.fragments - fragments


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


def test_paging_the_table_and_choosing_an_export_run_their_panel_and_a_picked_row_the_page_once(
        page: Any, app_url: str) -> None:
    from playwright.sync_api import expect

    from mapkit.analysis.tables import ranking_table

    runs = Runs(page)
    page.goto(f"{app_url}/?region={mapkit.ENGLAND}&level=ward&indicator=imd_score")
    wait_for_areas(map_frame(page), 6817)
    expect(page.get_by_text("Rows 1 to 250 of the 6,817 wards (page 1 of 28).")).to_be_visible(timeout=LOAD_TIMEOUT)

    def turn() -> None:
        page.get_by_role("spinbutton", name="Page").fill("2")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Rows 251 to 500 of the 6,817 wards (page 2 of 28).")).to_be_visible(
            timeout=LOAD_TIMEOUT)

    assert runs.counted(page, turn) == (0, 1)
    first = ranking_table("imd_score", "ward", mapkit.ENGLAND).iloc[250]

    def pick() -> None:
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box, under the header
        expect(page.get_by_role("heading", name=str(first["name"])).first).to_be_visible(timeout=LOAD_TIMEOUT)

    full, _ = runs.counted(page, pick)
    assert full == 1 and f"area={first['code']}" in page.url

    assert runs.during(page, lambda: page.get_by_role("tab", name="Export").click()) == 1  # tabs run what is open

    def export_format() -> None:
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Format").click()
        page.get_by_role("option", name=mapkit.export.FORMATS["csv"].label).click()
        expect(page.get_by_role("button", name="Prepare file")).to_be_visible(timeout=LOAD_TIMEOUT)

    assert runs.counted(page, export_format) == (0, 1)
