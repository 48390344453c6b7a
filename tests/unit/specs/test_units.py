"""One unit convention: every indicator's declared unit matches the range of its values in the shipped data.

Shares and rates are percentages 0-100 (a unit starting with "%"), counts are whole and non-negative, ranks lie
within 1..N. A figure stored as a proportion under a percent label, or a count ranked as a rate, fails here.
"""

import io

import numpy as np
import pandas as pd
import pytest

import mapkit
from mapkit.specs.registry import UNITS
from mapkit.export.tidy import indicator_table
from mapkit.export.tidy_files import to_csv

REGISTRY = mapkit.registry()
CASES = [(s.id, level) for s in REGISTRY.indicators.values() for level in s.levels]
N_LSOAS = 33_755


@pytest.mark.parametrize(("indicator_id", "level"), CASES)
def test_values_keep_the_range_their_unit_declares(indicator_id, level):
    spec = REGISTRY.indicator(indicator_id)
    values = mapkit.indicator_table(indicator_id, level)["value"].dropna()
    assert len(values), f"{indicator_id} has no figure at {level}"
    assert np.isfinite(values).all()
    kind = UNITS[spec.unit]
    if kind == "percent":
        assert spec.unit.startswith("%")
        assert values.between(0, 100).all(), f"{indicator_id} at {level}: a percentage outside 0-100"
        assert (values > 1).any(), f"{indicator_id} at {level}: all values <= 1, a proportion under a % label"
        assert "%}" not in spec.number_format
    elif kind == "count":
        assert (values >= 0).all() and (values == values.round()).all()
    elif kind == "deprived count":  # MHCLG's employment scale is published with decimals (averaged counts)
        assert (values >= 0).all()
    elif kind == "rank":
        assert values.between(1, N_LSOAS).all()
    elif kind == "money":
        assert (values > 0).all()
    elif kind == "change":  # a difference between editions: either sign, never beyond its scale
        limit = {"percentiles": 100, "deciles": 9, "percentage points": 100}.get(spec.unit, N_LSOAS)
        assert values.abs().le(limit).all() and (values != 0).any()
        assert spec.palette in ("RdBu", "PuOr"), f"{indicator_id}: a change needs a diverging palette"
    else:
        assert kind in ("score", "rate per 1,000")


def test_every_share_and_rate_is_labelled_as_a_percentage():
    for spec in REGISTRY.indicators.values():
        if spec.source != "iod2025" and ("rate" in spec.label.lower() or spec.description.startswith("Percentage")):
            assert spec.unit.startswith("%"), f"{spec.id}: a rate with unit {spec.unit!r}"


def test_census_rates_are_percentages_of_their_counts():
    row = mapkit.indicator_table("bad_health", "lad").set_index("code").loc["E06000009"]  # Blackpool
    assert row["value"] == pytest.approx(100 * row["numerator"] / row["denominator"])
    assert 9.1 < row["value"] < 9.2
    assert REGISTRY.indicator("bad_health").format_value(row["value"]) == "9.1%"


def test_csv_shows_percentages_with_their_unit():
    text = to_csv(indicator_table("bad_health", "lad", "E92000001"))
    frame = pd.read_csv(io.StringIO(text))
    assert set(frame["unit"]) == {"% of people"} and set(frame["indicator"]) == {"Bad or very bad health"}
    blackpool = frame.set_index("area_code").loc["E06000009", "value"]
    assert blackpool == 9.1  # written with the decimals ONS gives Census percentages (indicators.toml)


def test_counts_are_never_ranked_as_performance():
    for spec in REGISTRY.indicators.values():
        if UNITS[spec.unit] == "count":
            assert spec.higher_is == "neutral", f"{spec.id} is a count ranked as {spec.higher_is}"
        if UNITS[spec.unit] == "deprived count":  # MHCLG's scale measures, ranked as MHCLG ranks them
            assert spec.source == "iod2025" and spec.higher_is == "worse" and spec.id.endswith("_scale")
