"""Per-LSOA populations derived from a published (rounded) numerator and score."""

import pandas as pd
import pytest

from mapkit.pipeline import denominators


def test_interval_holds_every_population_the_rounding_allows():
    # 300 people (rounded to 5) at a score of 0.150 (3 dp): 297.5..302.5 over 0.1495..0.1505.
    low, high = denominators._interval(pd.Series([300.0]), pd.Series([0.150]))
    assert low.iloc[0] == pytest.approx(297.5 / 0.1505) and high.iloc[0] == pytest.approx(302.5 / 0.1495)


def test_small_counts_are_unstable_and_zero_scores_give_no_estimate():
    point, stable = denominators._derived(pd.Series([300.0, 10.0, 20.0]), pd.Series([0.150, 0.006, 0.0]), 2.5)
    assert point.iloc[0] == pytest.approx(302.5 / 0.150) and stable.tolist() == [True, False, False]
    assert pd.isna(point.iloc[2])


def test_unknown_rule_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="derived_offset_else_census"):
        denominators.lsoa_denominators(None, pd.DataFrame(), rule="mid2022")
