"""The scatter plot beside a bivariate map, checked as its Vega-Lite specification."""

from __future__ import annotations

import pytest

from mapkit.analysis.map_data import prepare
from mapkit.specs.bivariate import BIVARIATE_PALETTE
from mapkit.view import View
from mapkit.web.versus_chart import SELECTION, chosen_code, points_frame, versus_scatter

GVA_CHANGE = {"versus": "gva_per_hour", "versus_change": (2013, 2023)}


@pytest.fixture(scope="module")
def bivariate():
    return prepare(View(region="E47000007", level="lad", indicator="imd_score", **GVA_CHANGE))


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_points_are_the_view_s_areas_over_england_s(bivariate) -> None:
    spec = versus_scatter(bivariate, selected="E08000028").to_dict()
    layers = _layers(spec)
    backdrop, points = layers[0], layers[3]
    assert len(backdrop["data"]["values"]) == 296
    assert {row["code"] for row in points["data"]["values"]} == set(bivariate.frame["code"])
    sandwell = next(r for r in points["data"]["values"] if r["name"] == "Sandwell")
    assert sandwell["cell"] == "more deprived, middling growth" and sandwell["cell_code"] == "3-2"
    assert sandwell["y_text"] == "+35.3%"
    assert points["encoding"]["color"]["scale"]["range"] == list(BIVARIATE_PALETTE.colours)
    ring = layers[4]["data"]["values"]
    assert [r["code"] for r in ring] == ["E08000028"]


def test_a_click_selects_by_code(bivariate) -> None:
    spec = versus_scatter(bivariate).to_dict()
    params = [p for layer in _layers(spec) for p in layer.get("params", [])] + spec.get("params", [])
    assert any(p["name"] == SELECTION and p["select"]["fields"] == ["code"] for p in params)
    assert len(_layers(spec)) == 4  # no ring without a selected area
    assert chosen_code({"selection": {SELECTION: [{"code": "E08000028"}]}}) == "E08000028"
    assert chosen_code({"selection": {SELECTION: []}}) is None
    assert chosen_code(None) is None


def test_title_states_both_correlations_with_n(bivariate) -> None:
    title = versus_scatter(bivariate).to_dict()["title"]
    assert "Pearson r = +0.61" in title["subtitle"][0] and "(n = 7)" in title["subtitle"][0]
    assert "(n = 296)" in title["subtitle"][1]
    assert title["text"] == "IMD score against Change in GVA per hour worked"


def test_england_view_has_no_backdrop_and_a_small_view_draws_as_svg() -> None:
    data = prepare(View(region="E92000001", level="lad", indicator="imd_score", **GVA_CHANGE))
    spec = versus_scatter(data).to_dict()
    assert len(_layers(spec)) == 3
    assert len(points_frame(data)) == 296
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
