"""Ranks in a region follow the publisher's order: with region England they are MHCLG's ranks (audit, issue 26)."""

from __future__ import annotations

import pandas as pd
import pytest

from mapkit.analysis.map_data import prepare
from mapkit.analysis.ranking import rank_in_region
from mapkit.analysis.tables import ranking_table
from mapkit.specs.registry import registry
from mapkit.view import View
from mapkit.specs.palettes import NO_DATA
from mapkit.web.choropleth import choropleth_data, map_text

RUSHMOOR = "E07000092"


def test_rushmoor_has_one_rank_with_region_england():
    """File 10 ranks Rushmoor's IMD score 198th; its rounded score ties with the 197th, so ranking the published
    values gave 197 beside MHCLG's 198 in one row."""
    row = ranking_table("imd_score", "lad").set_index("code").loc[RUSHMOOR]
    assert row["value"] == 15.157
    assert row["rank_in_england"] == 198 and row["rank_in_region"] == 198


@pytest.mark.parametrize("indicator", [i for i, s in registry().indicators.items() if "lad" in s.levels])
def test_with_region_england_rank_in_region_is_rank_in_england(indicator):
    table = ranking_table(indicator, "lad")
    ranked = table.dropna(subset=["rank_in_england"])
    assert (ranked["rank_in_region"] == ranked["rank_in_england"]).all()


def test_the_maps_tooltip_ranks_agree_too():
    data = prepare(View(region="E92000001", level="lad", indicator="imd_score"))
    arrays = choropleth_data(data.frame, data.spec, data.classification, ["#000"] * data.classification.k, NO_DATA,
                             map_text(data.spec, "lad", "England"), order=list(data.frame["code"]))
    ranks = dict(zip(data.frame["code"], arrays["rr"]))
    assert ranks[RUSHMOOR] == 198


def test_rank_in_a_region_keeps_the_national_order_and_falls_back_to_values():
    values = pd.Series([10.0, 10.0, 5.0, None])
    national = pd.Series([7, 8, 20, None], dtype="Int64")
    assert rank_in_region(values, national, "worse").tolist() == [1, 2, 3, pd.NA]
    assert rank_in_region(values, None, "worse").tolist() == [1, 1, 3, pd.NA]
    assert rank_in_region(values, pd.Series([None] * 4), "better").tolist() == [2, 2, 1, pd.NA]
