"""Two measures in one picture, computed: tertile breaks, each area's cell of a 3 x 3 grid, counts, correlation.

Pure functions over arrays: no data is read here (:func:`mapkit.analysis.map_data.prepare` loads the two measures). Each
measure is cut into thirds at the 1/3 and 2/3 quantiles of its *reference* values (every area of the level in
England, or the region's areas), with numpy's default linear interpolation, as ``pandas.qcut(values, 3)`` does: a
value at or below the first break is in third 1 (the lowest values), at or below the second in third 2, above it in
third 3. An area's cell is its pair of thirds ``(x, y)``, stored as the class index
:func:`mapkit.specs.bivariate.cell_index` (0-8) or ``-1`` (no data) when either figure is missing.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd

from mapkit.specs.bivariate import TERTILES

NO_CELL = -1
"""Class of an area missing either figure (as :data:`mapkit.analysis.classify.NO_DATA`)."""


def _numbers(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def tertile_breaks(reference: pd.Series | np.ndarray) -> tuple[float, float]:
    """The two cuts between thirds of the finite ``reference`` values (NaN, NaN when there are none)."""
    values = _numbers(reference)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, math.nan
    low, high = np.quantile(values, [1 / TERTILES, 2 / TERTILES])
    return float(low), float(high)


def thirds(values: pd.Series | np.ndarray, breaks: tuple[float, float]) -> np.ndarray:
    """Each value's third: 1 at or below ``breaks[0]``, 2 at or below ``breaks[1]``, else 3; 0 when missing."""
    array = _numbers(values)
    out = np.zeros(array.shape, dtype=int)
    ok = np.isfinite(array)
    if not all(math.isfinite(b) for b in breaks):
        return out
    out[ok] = 1 + np.searchsorted(np.asarray(breaks), array[ok], side="left")
    return out


def cells(x_thirds: np.ndarray, y_thirds: np.ndarray) -> np.ndarray:
    """Class index 0-8 of each area (``(y - 1) * 3 + (x - 1)``), :data:`NO_CELL` where either third is 0."""
    x, y = np.asarray(x_thirds, dtype=int), np.asarray(y_thirds, dtype=int)
    return np.where((x > 0) & (y > 0), (y - 1) * TERTILES + (x - 1), NO_CELL)


def cell_counts(classes: np.ndarray) -> np.ndarray:
    """Areas per cell as a 3 x 3 array indexed ``[y - 1, x - 1]``."""
    classes = np.asarray(classes, dtype=int)
    counts = np.bincount(classes[classes >= 0], minlength=TERTILES * TERTILES)
    return counts.reshape(TERTILES, TERTILES)


@dataclasses.dataclass(frozen=True)
class Correlation:
    """How the two measures move together over the areas with both figures.

    Attributes
    ----------
    n
        Areas with both figures.
    pearson, spearman
        Pearson's r (linear) and Spearman's rho (rank); NaN below 3 areas or when a measure does not vary.
    pearson_p, spearman_p
        Two-sided p-values of each (scipy.stats), NaN likewise.
    """

    n: int
    pearson: float
    spearman: float
    pearson_p: float
    spearman_p: float

    def describe(self) -> str:
        """"Pearson r = 0.12, Spearman rho = 0.08 (n = 296)", or why there is none."""
        if not math.isfinite(self.pearson):
            return f"No correlation can be computed from {self.n} area{'s' if self.n != 1 else ''} with both figures."
        return f"Pearson r = {self.pearson:+.2f}, Spearman rho = {self.spearman:+.2f} (n = {self.n:,})"


def correlation(x: pd.Series | np.ndarray, y: pd.Series | np.ndarray) -> Correlation:
    """Pearson and Spearman correlation of ``x`` and ``y`` over the pairs where both are finite."""
    from scipy import stats

    a, b = _numbers(x), _numbers(y)
    both = np.isfinite(a) & np.isfinite(b)
    a, b = a[both], b[both]
    n = int(both.sum())
    if n < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return Correlation(n=n, pearson=math.nan, spearman=math.nan, pearson_p=math.nan, spearman_p=math.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns of small samples; n is stated beside every figure
        pearson = stats.pearsonr(a, b)
        spearman = stats.spearmanr(a, b)
    return Correlation(n=n, pearson=float(pearson.statistic), spearman=float(spearman.statistic),
                       pearson_p=float(pearson.pvalue), spearman_p=float(spearman.pvalue))


@dataclasses.dataclass(frozen=True, eq=False)
class Bivariate:
    """The cells of areas on a bivariate map, aligned with the values given to :func:`bivariate`.

    Attributes
    ----------
    x_breaks, y_breaks
        Each measure's two tertile cuts (from its reference values).
    x_thirds, y_thirds
        Per area, 1-3, or 0 when the figure is missing.
    classes
        Per area, the cell's class index 0-8, or :data:`NO_CELL`.
    counts
        Areas per cell, ``[y - 1, x - 1]``.
    correlation
        Of the areas' two figures.
    """

    x_breaks: tuple[float, float]
    y_breaks: tuple[float, float]
    x_thirds: np.ndarray
    y_thirds: np.ndarray
    classes: np.ndarray
    counts: np.ndarray
    correlation: Correlation

    @property
    def codes(self) -> list[str | None]:
        """Per area, its cell as ``"x-y"`` (``None`` without both figures)."""
        return [f"{x}-{y}" if x and y else None for x, y in zip(self.x_thirds, self.y_thirds)]

    @property
    def n_missing(self) -> int:
        return int((self.classes == NO_CELL).sum())


def bivariate(x: pd.Series | np.ndarray, y: pd.Series | np.ndarray, *,
              x_reference: pd.Series | np.ndarray | None = None,
              y_reference: pd.Series | np.ndarray | None = None) -> Bivariate:
    """Cells of the areas whose two figures are ``x`` and ``y``, cut at the thirds of the references.

    Parameters
    ----------
    x, y
        One value per area, aligned; missing values give no cell.
    x_reference, y_reference
        Values each measure's thirds are computed from (e.g. every area of the level in England); default: ``x``
        and ``y`` themselves.
    """
    x_breaks = tertile_breaks(x if x_reference is None else x_reference)
    y_breaks = tertile_breaks(y if y_reference is None else y_reference)
    x_thirds, y_thirds = thirds(x, x_breaks), thirds(y, y_breaks)
    classes = cells(x_thirds, y_thirds)
    return Bivariate(x_breaks=x_breaks, y_breaks=y_breaks, x_thirds=x_thirds, y_thirds=y_thirds, classes=classes,
                     counts=cell_counts(classes), correlation=correlation(x, y))
