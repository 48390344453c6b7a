"""The briefing pack's trend page (mapkit/export/trend.py): its numbers, computed from ONS's cells, and its place
in the PDF; a change map's title carries the period."""

from __future__ import annotations

import re

import pytest

from mapkit.export.pack import pack_pdf
from mapkit.export.trend import trend_for, trend_page
from mapkit.export.wording import title
from mapkit.analysis.map_data import prepare
from mapkit.view import View

WMCA = "E47000007"
GVA = dict(region=WMCA, level="lad", indicator="gva_per_hour", scheme="quantiles")


def test_trend_figures_are_computed_from_ons_cells():
    trend = trend_for(prepare(View(**GVA, change=(2013, 2023))))
    region = trend.lines[trend.lines["area"] == "West Midlands"].set_index("year")["value"]
    england = trend.lines[trend.lines["area"] == "England"].set_index("year")["value"]
    assert region[2013] == pytest.approx(27.379898071289062) and england[2023] == pytest.approx(42.39)
    assert trend.sentence.startswith("Gross value added per hour worked in the West Midlands CA grew 30.5% from "
                                     "2013 to 2023, against 33.3% for England")
    # gross-value-added.csv: Wolverhampton 22.83 -> 35.29, Solihull 37.66 -> 41.80
    assert trend.fastest["code"].iloc[0] == "E08000031"
    assert trend.fastest["change"].iloc[0] == pytest.approx(100 * (35.29 / 22.83 - 1))
    assert trend.slowest["code"].iloc[0] == "E08000029"
    assert trend.slowest["change"].iloc[0] == pytest.approx(100 * (41.8 / 37.66 - 1))


def test_the_default_period_is_the_last_ten_years():
    assert trend_for(prepare(View(**GVA))).period == (2013, 2023)


def test_no_trend_page_without_a_series():
    assert trend_page(prepare(View(region=WMCA, level="ward", indicator="imd_score"))) is None


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_the_pack_gains_the_trend_page():
    assert _pages(pack_pdf(prepare(View(**GVA, change=(2013, 2023))))) == 3
    assert _pages(pack_pdf(prepare(View(region=WMCA, level="ward", indicator="imd_score")))) == 2


def test_a_change_maps_title_carries_the_period():
    data = prepare(View(**GVA, change=(2013, 2023), centre="england"))
    assert title(data) == ("Change in GVA per hour worked, 2013 to 2023 by district: West Midlands combined "
                           "authority area")
    assert title(prepare(View(**GVA, year=2013))).startswith("GVA per hour worked, 2013 by district")
