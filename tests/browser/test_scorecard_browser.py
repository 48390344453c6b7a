"""The scorecard in the real app (headless Chromium): open "Who lives near", pick a line, read its scorecard and
download its CSV; a screenshot goes to ``test-output/scorecard.png``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mapkit.analysis.scorecard import scorecards
from mapkit.export.scorecard_pages import page_text

pytestmark = pytest.mark.browser

WMCA = "E47000007"
LOAD_TIMEOUT = 90_000


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def pick(page: Any, label: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``label`` (typing narrows Streamlit's list)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option[:30])
    page.get_by_role("option", name=option).first.click()


def test_a_lines_scorecard_reads_and_downloads(page: Any, app_url: str, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    (card,) = scorecards(WMCA, overlays=("transport_schemes",), scheme="WMM_L1")
    text = page_text(card)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url + f"/?region={WMCA}&level=ward&indicator=imd_score&overlays=transport_schemes")
    page.get_by_role("tab", name="Who lives near the overlays").click(timeout=LOAD_TIMEOUT)
    heading = page.get_by_role("heading", name="Scorecard of a scheme")
    heading.wait_for(timeout=LOAD_TIMEOUT)
    pick(page, "Scorecard for", "West Midlands Metro Line 1 (transport schemes; open)")
    section = page.locator('[data-testid="stMainBlockContainer"]')
    expect(section.get_by_text(text.residents, exact=True)).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(section.get_by_text(text.effect, exact=True)).to_be_visible()
    # The tables are canvas grids (glide-data-grid): their cells are read from the grid's accessible table.
    grids = page.locator('[data-testid="stDataFrame"]')
    expect(grids.filter(has_text="Moved out of the most deprived 10%")).to_have_count(1, timeout=LOAD_TIMEOUT)
    moved = grids.filter(has_text="Moved out of the most deprived 10%")
    for cell in text.moved.rows[1][1:]:
        expect(moved).to_contain_text(cell)
    growth = grids.filter(has_text="West Midlands (CA)")
    expect(growth).to_contain_text(text.growth.rows[0][2])  # Birmingham's GVA per hour worked
    heading.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "scorecard.png"))
    growth.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "scorecard-growth.png"))
    button = page.get_by_role("button", name="Download this scorecard (CSV, one row per figure)")
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "scorecard_WMM_L1.csv"
    table = pd.read_csv(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")))
    assert set(table["scheme_id"]) == {"WMM_L1"}
    residents = table[(table["area_level"] == "scheme") & (table["indicator_id"] == "residents")]["value"]
    assert residents.tolist() == [round(card.residents)]
    assert page.locator('[data-testid="stException"]').count() == 0
