"""Two measures on the page (``streamlit.testing.v1.AppTest``): the Versus picker and its suggested pair, the link,
the bivariate ranked table with each area's cell, the scatter plot, and a click on a point opening a profile."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from mapkit.analysis.map_data import prepare
from mapkit.view import View

APP = str(Path(__file__).resolve().parents[2] / "app.py")
WMCA = "E47000007"
PAIR = {"region": WMCA, "level": "lad", "indicator": "imd_score", "versus": "gva_per_hour",
        "versus_change": "2013:2023"}


def opened(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.run()  # the first run sends the map alone; the next draws the page
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_opens_the_bivariate_view_with_its_table_and_scatter_plot() -> None:
    at = opened(PAIR)
    assert at.selectbox(key="w_versus").value == "gva_per_hour"
    assert at.radio(key="w_versus_mode").value == "change"
    assert any("against Change in GVA per hour worked" in c.value for c in at.caption)
    (table,) = [d.value for d in at.dataframe if "bivariate_cell" in d.value.columns]
    expected = prepare(View(region=WMCA, level="lad", indicator="imd_score", versus="gva_per_hour",
                            versus_change=(2013, 2023)))
    cells = dict(zip(expected.frame["name"], (expected.versus.cell_names[c] for c in expected.classification.classes)))
    assert dict(zip(table["name"], table["bivariate_cell"])) == cells
    assert table.set_index("name").loc["Sandwell", "bivariate_class"] == "3-2"
    assert len(at.get("vega_lite_chart")) == 1
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Download CSV of all 7 districts with both measures") for label in labels)
    assert at.query_params["versus"] == "gva_per_hour" and at.query_params["versus_change"] == "2013:2023"


def test_the_suggested_pair_button_opens_the_level_s_default() -> None:
    at = opened({"region": WMCA, "level": "lad", "indicator": "income_score"})
    (button,) = [b for b in at.button if b.key == "versus_pair"]
    button.click().run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="w_indicator").value == "imd_score"
    assert at.selectbox(key="w_versus").value == "gva_per_hour"
    assert any(c.value.startswith("**Why this pair:** Is growth reaching") for c in at.sidebar.caption)


def test_choosing_none_returns_to_one_measure() -> None:
    at = opened(PAIR)
    at.selectbox(key="w_versus").set_value("").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "versus" not in at.query_params
    assert not [d for d in at.dataframe if "bivariate_cell" in d.value.columns]
    assert len(at.get("vega_lite_chart")) == 0


def test_a_row_of_the_table_opens_the_area_s_profile() -> None:
    at = opened(PAIR)
    (grid,) = [d for d in at.dataframe if "bivariate_cell" in d.value.columns]
    sandwell = list(pd.DataFrame(grid.value)["name"]).index("Sandwell")
    at.session_state[grid.key] = {"selection": {"rows": [sandwell], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["area"] == "E08000028"


def test_a_click_on_a_point_of_the_scatter_plot_opens_the_area_s_profile() -> None:
    at = opened(PAIR)
    at.session_state["w_scatter"] = {"selection": {"area": [{"code": "E08000028"}]}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["area"] == "E08000028"
