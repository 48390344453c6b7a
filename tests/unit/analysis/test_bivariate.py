"""Tertiles, cells and correlation of a bivariate map, checked against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mapkit.analysis.bivariate import NO_CELL, bivariate, cell_counts, correlation, tertile_breaks, thirds


def _qcut_thirds(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Thirds as pandas cuts them: quantile edges of the reference, right-closed, the lowest included."""
    edges = np.quantile(reference, [0, 1 / 3, 2 / 3, 1])
    return pd.cut(values, bins=edges, labels=False, include_lowest=True).astype(int) + 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=80).filter(
    lambda v: len(set(np.quantile(v, [0, 1 / 3, 2 / 3, 1]))) == 4))
def test_thirds_equal_pandas_qcut(values: list[float]) -> None:
    array = np.array(values)
    expected = pd.qcut(array, 3, labels=False).astype(int) + 1
    assert thirds(array, tertile_breaks(array)).tolist() == expected.tolist()


def test_thirds_of_a_reference_equal_an_independent_cut() -> None:
    rng = np.random.default_rng(7)
    reference = rng.normal(size=296)
    values = reference[:40]
    assert thirds(values, tertile_breaks(reference)).tolist() == _qcut_thirds(values, reference).tolist()


def test_a_value_on_a_break_is_in_the_lower_third_and_missing_is_zero() -> None:
    breaks = tertile_breaks([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    assert breaks == pytest.approx((3.0, 5.0))
    assert thirds([3.0, 3.0001, 5.0, 5.1, None, float("nan")], breaks).tolist() == [1, 2, 2, 3, 0, 0]


def test_no_reference_value_gives_no_third() -> None:
    assert all(math.isnan(b) for b in tertile_breaks([None, float("nan")]))
    assert thirds([1.0, 2.0], tertile_breaks([])).tolist() == [0, 0]


def test_cells_and_counts() -> None:
    x = [1.0, 2.0, 3.0, 1.0, 3.0, None]
    y = [30.0, 10.0, 20.0, 10.0, 30.0, 5.0]
    result = bivariate(x, y, x_reference=[1.0, 2.0, 3.0], y_reference=[10.0, 20.0, 30.0])
    assert result.x_thirds.tolist() == [1, 2, 3, 1, 3, 0]
    assert result.y_thirds.tolist() == [3, 1, 2, 1, 3, 1]
    assert result.codes == ["1-3", "2-1", "3-2", "1-1", "3-3", None]
    assert result.classes.tolist() == [6, 1, 5, 0, 8, NO_CELL]
    assert result.counts.tolist() == [[1, 1, 0], [0, 0, 1], [1, 0, 1]]
    assert result.counts.sum() + result.n_missing == len(x)
    assert cell_counts(np.array([-1, -1])).sum() == 0


def test_correlation_equals_scipy_on_complete_pairs() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    y = x * 0.5 + rng.normal(size=50)
    x_gappy, y_gappy = x.copy(), y.copy()
    x_gappy[3], y_gappy[10] = np.nan, np.nan
    found = correlation(x_gappy, y_gappy)
    keep = np.isfinite(x_gappy) & np.isfinite(y_gappy)
    assert found.n == 48
    assert found.pearson == pytest.approx(stats.pearsonr(x[keep], y[keep]).statistic)
    assert found.spearman == pytest.approx(stats.spearmanr(x[keep], y[keep]).statistic)
    assert "(n = 48)" in found.describe()


@pytest.mark.parametrize("x, y", [([1.0, 2.0], [3.0, 4.0]), ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])])
def test_too_few_or_constant_pairs_give_no_correlation(x: list[float], y: list[float]) -> None:
    found = correlation(x, y)
    assert math.isnan(found.pearson) and math.isnan(found.spearman)
    assert found.describe().startswith("No correlation can be computed")
