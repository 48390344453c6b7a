"""A bivariate map from the shipped data: its figures are the single maps', its cells an independent tertile cut."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapkit.analysis.map_data import prepare
from mapkit.analysis.map_data import england_values, versus_view
from mapkit.data.products import indicator_table
from mapkit.errors import MapkitError, ParameterError, UnknownNameError
from mapkit.specs.bivariate import BIVARIATE_PALETTE, DEFAULT_PAIRS
from mapkit.view import View

WMCA = "E47000007"
GVA_CHANGE = {"versus": "gva_per_hour", "versus_change": (2013, 2023)}


@pytest.fixture(scope="module")
def wmca_districts():
    return prepare(View(region=WMCA, level="lad", indicator="imd_score", **GVA_CHANGE))


def _third(values: pd.Series, reference: pd.Series) -> pd.Series:
    edges = np.quantile(reference.dropna(), [0, 1 / 3, 2 / 3, 1])
    return pd.cut(values, bins=edges, labels=[1, 2, 3], include_lowest=True).astype(int)


def test_figures_equal_the_single_maps(wmca_districts) -> None:
    single_x = prepare(View(region=WMCA, level="lad", indicator="imd_score"))
    single_y = prepare(View(region=WMCA, level="lad", indicator="gva_per_hour", change=(2013, 2023)))
    by_code = single_y.frame.set_index("code")["value"]
    versus = wmca_districts.versus
    assert list(wmca_districts.frame["code"]) == list(single_x.frame["code"])
    assert versus.x_values.tolist() == pd.to_numeric(single_x.frame["value"]).tolist()
    assert versus.y_values.tolist() == pytest.approx(by_code.loc[wmca_districts.frame["code"]].tolist())
    assert versus.y.spec.label == single_y.spec.label
    assert single_y.spec.period.startswith(versus.y.spec.period)  # less the change map's "centre" note


def test_cells_equal_an_independent_tertile_cut_of_england(wmca_districts) -> None:
    imd = indicator_table("imd_score", "lad").set_index("code")["value"]
    gva = england_values(versus_view(wmca_districts.view))
    assert len(imd) == len(gva) == 296
    frame = wmca_districts.frame.assign(x=wmca_districts.versus.x_values.to_numpy(),
                                        y=wmca_districts.versus.y_values.to_numpy())
    expected = [f"{a}-{b}" for a, b in zip(_third(frame["x"], imd), _third(frame["y"], gva))]
    assert wmca_districts.versus.cells.codes == expected
    sandwell = expected[list(frame["name"]).index("Sandwell")]
    assert sandwell == "3-2"  # most deprived third of England's districts, middle third of growth


def test_region_thirds_cut_the_region_s_own_areas() -> None:
    data = prepare(View(region=WMCA, level="lad", indicator="imd_score", breaks_from="region", **GVA_CHANGE))
    x, y = data.versus.x_values, data.versus.y_values
    expected = [f"{a}-{b}" for a, b in zip(_third(x, x), _third(y, y))]
    assert data.versus.cells.codes == expected
    assert "West Midlands" in data.classification.reference


def test_the_map_draws_nine_cells_in_the_palette(wmca_districts) -> None:
    assert wmca_districts.colours == BIVARIATE_PALETTE.colours
    assert wmca_districts.classification.k == 9
    assert sum(wmca_districts.classification.counts) == 7
    assert wmca_districts.classification.labels[2] == "more deprived, slower growth"
    assert wmca_districts.versus.cells.counts.sum() == 7


def test_england_backdrop_and_correlation() -> None:
    data = prepare(View(region="E92000001", level="lad", indicator="imd_score", **GVA_CHANGE))
    assert len(data.versus.england) == 296
    assert data.versus.england_correlation.n == 296
    assert data.versus.cells.correlation.pearson == pytest.approx(data.versus.england_correlation.pearson)
    assert data.versus.cells.counts.sum() == 296


@pytest.mark.parametrize("level", ["lad", "ward", "lsoa"])
def test_default_pairs_prepare(level: str) -> None:
    region = "E08000028" if level != "lad" else WMCA  # Sandwell's wards and LSOAs
    pair = DEFAULT_PAIRS[level]
    data = prepare(View(region=region, level=level, indicator=pair.indicator, versus=pair.versus,
                        versus_change=pair.versus_change))
    assert data.versus.cells.counts.sum() + data.versus.cells.n_missing == len(data.frame)


@pytest.mark.parametrize("versus, error, match", [
    ({"versus": "gva_per_hour", "versus_change": (2013, 2023)}, UnknownNameError, "not available at level 'ward'"),
    ({"versus": "imd_score"}, ParameterError, "other than IMD score itself"),
    ({"versus": "no_such_indicator"}, UnknownNameError, "no_such_indicator"),
    ({"versus_change": (2013, 2023)}, ParameterError, "needs the second measure"),
])
def test_bad_second_measures_say_why(versus: dict, error: type[MapkitError], match: str) -> None:
    with pytest.raises(error, match=match):
        prepare(View(region=WMCA, level="ward", indicator="imd_score", **versus))


def test_text_description_lists_the_nine_cells(wmca_districts) -> None:
    from mapkit.analysis.describe import map_description, view_announcement

    text = map_description(wmca_districts)
    assert "- more deprived, middling growth (3-2): 3 areas" in text
    assert "- more deprived, slower growth (3-1): 1 area\n" in text
    assert text.count("\n- ") == 9
    assert "more deprived to the right, faster growth upwards" in text and "(n = 7)" in text
    assert view_announcement(wmca_districts).startswith("Map: IMD score against Change in GVA per hour worked")
