"""Area profile: every indicator at the area's level, ranks matching the ranking table, labelled medians."""

from __future__ import annotations

import pandas as pd
import pytest

import mapkit
from mapkit.errors import UnknownNameError
from mapkit.analysis.profile import PROFILE_COLUMNS, area_profile
from mapkit.analysis.tables import ranking_table

WMCA = "E47000007"
BINLEY = "E05001219"


@pytest.fixture(scope="module")
def binley():
    return area_profile(BINLEY, "ward", WMCA)


def test_profile_lists_every_indicator_published_for_the_level(binley) -> None:
    expected = [i for i, s in mapkit.registry().indicators.items() if "ward" in s.levels]
    assert list(binley.table["indicator"]) == expected
    assert list(binley.table.columns) == PROFILE_COLUMNS
    assert binley.name == "Binley and Willenhall"
    assert binley.parents == ("Coventry", "West Midlands")


@pytest.mark.parametrize("indicator_id", ["imd_score", "imd_average_rank", "no_qualifications", "bad_health"])
def test_ranks_match_the_ranking_table(binley, indicator_id: str) -> None:
    table = ranking_table(indicator_id, "ward", WMCA).set_index("code")
    row = binley.table.set_index("indicator").loc[indicator_id]
    assert row["rank_region"] == table.loc[BINLEY, "rank_in_region"]
    assert row["rank_england"] == table.loc[BINLEY, "rank_in_england"]
    assert row["n_region"] == table["value"].notna().sum()


def test_medians_are_of_the_region_and_of_england(binley) -> None:
    row = binley.table.set_index("indicator").loc["imd_score"]
    region_values = mapkit.load_indicator("imd_score", "ward", WMCA)["value"]
    england_values = mapkit.indicator_table("imd_score", "ward")["value"]
    assert row["region_median"] == pytest.approx(region_values.median())
    assert row["england_median"] == pytest.approx(england_values.median())
    assert row["region_median_text"] == mapkit.registry().indicator("imd_score").format_value(region_values.median())


def test_england_position_runs_from_best_0_to_worst_100(binley) -> None:
    row = binley.table.set_index("indicator").loc["imd_score"]
    assert row["england_position"] == pytest.approx(100 * (6784 - row["rank_england"]) / 6783)
    assert binley.table["england_position"].dropna().between(0, 100).all()


def test_missing_figures_keep_their_note() -> None:
    prof = area_profile("E06000063", "lad", mapkit.ENGLAND)  # Cumberland: created April 2023
    missing = prof.table[prof.table["value"].isna()]
    assert not missing.empty
    assert (missing["value_text"] == "no data").all()
    assert missing["note"].str.contains("Cumberland").all()
    assert missing["rank_region"].isna().all()


def test_an_area_outside_the_region_is_refused() -> None:
    with pytest.raises(UnknownNameError, match="is not one of the wards of West Midlands"):
        area_profile("E05000001", "ward", WMCA)


def test_profile_sources_and_periods_are_given(binley) -> None:
    assert binley.table["source"].str.len().gt(10).all()
    assert binley.table["period"].str.len().gt(0).all()
    assert isinstance(binley.table["rank_england"].dtype, pd.Int64Dtype)


@pytest.mark.parametrize("region", [WMCA, mapkit.ENGLAND])
def test_the_ranked_table_of_a_prepared_map_is_the_ranking_table(region: str) -> None:
    """The page ranks the rows its map already loaded (tables.ranked_rows): the same table as loading them again."""
    import pandas as pd

    from mapkit.analysis.map_data import prepare
    from mapkit.analysis.tables import ranked_rows
    from mapkit.view import View

    data = prepare(View(region=region, level="ward", indicator="no_qualifications", scheme="quantiles"))
    pd.testing.assert_frame_equal(ranked_rows(data.frame, data.spec), ranking_table("no_qualifications", "ward",
                                                                                      region))
