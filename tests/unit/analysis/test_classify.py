"""Classification schemes: breaks, labels, classes, national deciles, and England vs region references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mapkit
from mapkit.analysis import classify
from mapkit.specs import classes
from mapkit.analysis.classify import NO_DATA, assign_classes, classify_deciles, compute_breaks
from mapkit.errors import UnknownNameError

WMCA = "E47000007"
VALUE_SCHEMES = [name for name, s in classes.SCHEMES.items() if not s.needs_deciles]
RNG_VALUES = np.random.default_rng(7).gamma(2.0, 10.0, size=1_000)


@pytest.mark.parametrize("scheme_name", VALUE_SCHEMES)
@pytest.mark.parametrize("k", range(classes.K_MIN, classes.K_MAX + 1))
def test_breaks_ascend_end_at_maximum_and_classify_every_value(scheme_name: str, k: int) -> None:
    upper = compute_breaks(RNG_VALUES, scheme_name, k)
    assert 1 <= len(upper) <= k
    assert list(upper) == sorted(set(upper))
    assert upper[-1] == pytest.approx(RNG_VALUES.max())
    classes = assign_classes(RNG_VALUES, upper)
    assert classes.min() >= 0 and classes.max() <= len(upper) - 1
    for value, cls in zip(RNG_VALUES, classes):
        assert value <= upper[cls]
        assert cls == 0 or value > upper[cls - 1]


def test_equal_interval_breaks_are_equal_steps() -> None:
    assert compute_breaks(np.arange(0, 101), "equal_interval", 4) == (25.0, 50.0, 75.0, 100.0)


def test_quantiles_put_equal_numbers_in_each_class() -> None:
    values = np.arange(1, 101, dtype=float)
    result = classify.classify(values, scheme_name="quantiles", k=5)
    assert result.counts == (20, 20, 20, 20, 20)


def test_natural_breaks_find_obvious_clusters() -> None:
    values = np.array([1.0, 1.1, 1.2, 10.0, 10.1, 10.2, 20.0, 20.1, 20.2])
    assert compute_breaks(values, "natural_breaks", 3) == (1.2, 10.2, 20.2)


def test_natural_breaks_on_large_sets_are_deterministic_and_span_the_data() -> None:
    values = np.random.default_rng(1).normal(50, 10, size=5_000)
    first = compute_breaks(values, "natural_breaks", 5)
    assert first == compute_breaks(values, "natural_breaks", 5)
    assert first[-1] == values.max()
    assert len(first) == 5


def test_few_distinct_values_give_one_class_each() -> None:
    assert compute_breaks([0, 0, 0, 1, 1, 2], "quantiles", 5) == (0.0, 1.0, 2.0)


def test_heavy_ties_do_not_duplicate_breaks() -> None:
    values = np.r_[np.zeros(600), np.linspace(0.1, 1.0, 400)]
    upper = compute_breaks(values, "quantiles", 5)
    assert len(upper) == len(set(upper))
    result = classify.classify(values, scheme_name="quantiles", k=5)
    assert sum(result.counts) == 1_000


def test_missing_values_go_to_the_no_data_class() -> None:
    values = pd.Series([1.0, None, 3.0, float("nan"), 5.0])
    result = classify.classify(values, scheme_name="equal_interval", k=3)
    assert list(result.classes == NO_DATA) == [False, True, False, True, False]
    assert result.n_missing == 2


def test_all_missing_gives_no_classes() -> None:
    result = classify.classify(pd.Series([None, None], dtype=float), scheme_name="quantiles", k=5)
    assert result.k == 0
    assert list(result.classes) == [NO_DATA, NO_DATA]


def test_labels_use_the_formatter_and_do_not_overlap() -> None:
    result = classify.classify(np.arange(1, 11, dtype=float), scheme_name="equal_interval", k=3,
                               formatter="{:.0f} units".format)
    assert result.labels[0].startswith("1 units to ")
    lows = [float(label.split(" ")[0]) for label in result.labels]
    assert lows == sorted(lows) and len(set(lows)) == 3


def test_reference_values_set_the_breaks() -> None:
    result = classify.classify([5.0, 6.0], scheme_name="equal_interval", k=4, reference=np.arange(0, 101))
    assert result.upper == (25.0, 50.0, 75.0, 100.0)
    assert list(result.classes) == [0, 0]


@pytest.mark.parametrize(("k", "message"), [(2, "between 3 and 9"), (10, "between 3 and 9")])
def test_k_outside_the_range_is_refused(k: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_breaks(RNG_VALUES, "quantiles", k)


def test_unknown_scheme_names_the_choices() -> None:
    with pytest.raises(UnknownNameError, match="use one of quantiles, equal_interval"):
        compute_breaks(RNG_VALUES, "jenks", 5)


@pytest.mark.parametrize(("higher_is", "top_decile_class"), [("worse", 9), ("neutral", 9), ("better", 0)])
def test_national_deciles_put_decile_one_at_the_worse_end(higher_is: str, top_decile_class: int) -> None:
    result = classify_deciles(pd.Series([1, 10, None, 5], dtype="Int64"), higher_is)
    assert result.k == 10
    assert result.classes[0] == top_decile_class
    assert result.classes[1] == 9 - top_decile_class
    assert result.classes[2] == NO_DATA
    assert result.labels[top_decile_class].startswith("Decile 1")


def test_national_decile_labels_give_each_deciles_range() -> None:
    values = np.arange(1, 101, dtype=float)
    deciles = 10 - (values - 1) // 10  # 91..100 are decile 1 (highest = worst)
    result = classify_deciles(deciles[:3], "worse", reference_values=values, reference_deciles=deciles,
                              formatter="{:.0f}".format)
    assert result.labels[9] == "Decile 1: 91 to 100"
    assert result.labels[0] == "Decile 10: 1 to 10"


@pytest.mark.parametrize("indicator_id", list(mapkit.registry().indicators))
def test_available_schemes_offer_deciles_only_where_published(indicator_id: str) -> None:
    spec = mapkit.registry().indicator(indicator_id)
    offered = classes.available_schemes(spec)
    assert ("national_deciles" in offered) == spec.national_deciles
    assert {"quantiles", "equal_interval", "natural_breaks"} <= set(offered)


def test_indicator_deciles_follow_the_published_decile_column() -> None:
    frame = mapkit.load_indicator("imd_score", "ward", WMCA)
    result = classify.classify_indicator(frame, "imd_score", "ward", WMCA, scheme_name="national_deciles", k=5,
                                         breaks_from="england", region_label="West Midlands")
    expected = np.where(frame["decile"].isna(), NO_DATA, 10 - frame["decile"].fillna(0).astype(int))
    assert (result.classes == expected).all()
    assert "6,784 wards in England" in result.reference


def test_deciles_for_an_indicator_without_them_say_what_to_choose() -> None:
    frame = mapkit.load_indicator("imd_average_rank", "ward", WMCA)
    with pytest.raises(UnknownNameError, match="no official national deciles: choose quantiles"):
        classify.classify_indicator(frame, "imd_average_rank", "ward", WMCA, scheme_name="national_deciles",
                                    k=5, breaks_from="england", region_label="West Midlands")


def test_compared_with_england_uses_england_breaks_and_within_region_the_regions() -> None:
    frame = mapkit.load_indicator("income_score", "ward", WMCA)
    kwargs = dict(scheme_name="quantiles", k=5, region_label="West Midlands")
    england = classify.classify_indicator(frame, "income_score", "ward", WMCA, breaks_from="england", **kwargs)
    region = classify.classify_indicator(frame, "income_score", "ward", WMCA, breaks_from="region", **kwargs)
    all_wards = mapkit.indicator_table("income_score", "ward")["value"]
    assert england.upper == compute_breaks(all_wards, "quantiles", 5)
    assert region.upper == compute_breaks(frame["value"], "quantiles", 5)
    assert england.upper != region.upper
    # Within the region quantiles split its own wards evenly; against England, West Midlands is skewed deprived.
    assert max(region.counts) - min(region.counts) <= 2
    assert england.counts[-1] > england.counts[0]
    assert "in England" in england.reference and "in West Midlands" in region.reference


def test_unknown_comparison_is_refused() -> None:
    frame = mapkit.load_indicator("imd_score", "ward", WMCA)
    with pytest.raises(UnknownNameError, match="use one of england, region"):
        classify.classify_indicator(frame, "imd_score", "ward", WMCA, scheme_name="quantiles", k=5,
                                    breaks_from="nation", region_label="West Midlands")
