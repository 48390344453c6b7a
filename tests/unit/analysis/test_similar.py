"""mapkit.analysis.similar: the nearest-neighbour method on known cases."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from mapkit.data.products import load_boundaries
from mapkit.errors import UnknownNameError
from mapkit.export.tidy import similar_table
from mapkit.export.tidy_files import to_csv
from mapkit.analysis.similar import (FEATURES, distances, district_type, excluded, neighbour_share, similar_areas,
                            standardised)

SANDWELL = "E08000028"


def test_features_are_z_scores_across_england() -> None:
    z = standardised("lad")
    assert list(z.columns) == list(FEATURES)
    assert np.allclose(z.mean(), 0, atol=1e-9) and np.allclose(z.std(ddof=0), 1)
    assert len(z) + len(excluded("lad")) == 296


@pytest.mark.parametrize("level", ["ward", "lad", "ca"])
def test_an_area_is_its_own_nearest_at_distance_zero(level: str) -> None:
    code = standardised(level).index[len(standardised(level)) // 2]
    table = similar_areas(code, level, include_self=True)
    assert table.iloc[0]["code"] == code and table.iloc[0]["distance"] == 0
    assert code not in set(similar_areas(code, level)["code"])


def test_the_distance_is_euclidean_on_z_scores_and_the_order_is_stable() -> None:
    z = standardised("lad")
    near = distances(SANDWELL, "lad")
    other = near.index[5]
    assert near[other] == pytest.approx(float(np.sqrt(((z.loc[SANDWELL] - z.loc[other]) ** 2).sum())))
    assert near.is_monotonic_increasing
    assert list(similar_areas(SANDWELL, "lad")["code"]) == list(similar_areas(SANDWELL, "lad")["code"])
    tied = pd.DataFrame({"d": near.to_numpy(), "code": near.index})
    assert tied.equals(tied.sort_values(["d", "code"], kind="stable"))


def test_sandwell_has_ten_similar_districts_mostly_urban_west_midlands_and_northern() -> None:
    table = similar_areas(SANDWELL, "lad")
    assert len(table) == 10 and list(table["rank"]) == list(range(1, 11))
    assert table["distance"].is_monotonic_increasing
    assert (table["similarity"] < 100).all()
    # The method's own claim (docs/similar_areas.md): neighbours are mostly the same broad type of district.
    assert sum(district_type(c) in ("metropolitan district", "unitary authority") for c in table["code"]) >= 8


def test_districts_of_a_type_or_region_are_nearer_each_other_than_chance() -> None:
    lad = load_boundaries("lad").set_index("code")
    same_type, chance_type = neighbour_share("lad", pd.Series(lad.index.map(district_type), index=lad.index))
    same_region, chance_region = neighbour_share("lad", lad["rgn_code"])
    assert same_type > chance_type and same_region > chance_region  # figures reported in docs/similar_areas.md


def test_unknown_areas_and_levels_are_clear_errors() -> None:
    with pytest.raises(UnknownNameError, match="not one of England's districts"):
        distances("E08999999", "lad")
    with pytest.raises(UnknownNameError, match="not LSOAs"):
        standardised("lsoa")


def test_the_list_exports_with_its_method() -> None:
    tidy = similar_table(SANDWELL, "lad")
    assert "Euclidean distance" in tidy.method and "Income score" in tidy.method and "Usual residents" in tidy.method
    table = pd.read_csv(io.StringIO(to_csv(tidy)))
    assert len(table) == 10 * 2  # one row per similar area and key figure (IMD score, usual residents)
    ranked = table.drop_duplicates("area_code")
    assert list(ranked["area_code"]) == list(similar_areas(SANDWELL, "lad")["code"])
    assert set(table["similar_to"]) == {SANDWELL}
