"""A prepared map with a second measure ("versus"): the bivariate map of the view's indicator against another.

:func:`with_versus` takes the first measure's :class:`~mapkit.analysis.map_data.MapData` (as
:func:`~mapkit.analysis.map_data.prepare` gives it) and the second measure (:class:`Versus`: an indicator at the
same level, with a year or change of its ONS series), prepares the second measure's own single map the same way, and
cuts both into thirds (:mod:`mapkit.analysis.bivariate`). Every figure on the bivariate map is therefore a figure of
one of the two single maps. The result is a :class:`MapData` whose classes are the nine cells and whose colours
are the bivariate palette, so every surface that draws classes (the web map, static maps, the hex map) draws it
unchanged; :attr:`MapData.versus` keeps the two single maps, the cells and the wording.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from mapkit.analysis.bivariate import bivariate, correlation
from mapkit.analysis.classify import Classification
from mapkit.analysis.map_data import MapData, VersusMap, prepare
from mapkit.analysis.series import change, year_values
from mapkit.data.products import indicator_table
from mapkit.errors import ParameterError
from mapkit.specs.bivariate import BIVARIATE_PALETTE, DEFAULT_PAIRS, BivariatePalette
from mapkit.specs.registry import registry
from mapkit.text.bivariate import axis_words, cell_names
from mapkit.view import View

CENTRE_NOTE = "; centre:"
"""Where a change map's period names its palette's middle (:mod:`mapkit.analysis.timemap`): a bivariate map has
none, so its second measure's period ends before it."""


@dataclasses.dataclass(frozen=True)
class Versus:
    """The second measure of a bivariate map.

    Parameters
    ----------
    indicator
        An indicator id published at the view's level.
    year, change
        For an indicator with an ONS time series: one year, or the change between two years (as a view's).
    """

    indicator: str
    year: int | None = None
    change: tuple[int, int] | None = None


def default_versus(level: str) -> Versus:
    """The second measure a level's bivariate map opens with (:data:`mapkit.specs.bivariate.DEFAULT_PAIRS`)."""
    pair = DEFAULT_PAIRS[level]
    return Versus(indicator=pair.versus, change=pair.versus_change)


def versus_view(view: View, versus: Versus) -> View:
    """The single-measure view of the second measure: the same region, level and comparison."""
    return View(region=view.region, level=view.level, indicator=versus.indicator, scheme=None, k=view.k,
                compare=view.compare, year=versus.year, change=versus.change, centre=view.centre)


def england_values(view: View) -> pd.Series:
    """The figures a single-measure view maps, for every area of its level in England, indexed by code: the
    indicator's own, a year of its series, or a change (as :mod:`mapkit.analysis.timemap` maps them)."""
    if view.over_time:
        series = registry().series_for(view.indicator)
        if view.change is not None:
            table = change(series.id, view.level, *view.change).table.rename(columns={"change": "value"})
        else:
            table = year_values(series.id, view.level, view.year)
    else:
        table = indicator_table(view.indicator, view.level)
    return pd.to_numeric(table.set_index("code")["value"], errors="coerce")


def _aligned(frame: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """``frame``'s rows in the order of ``codes`` (every code is in both: the same region and level)."""
    return frame.set_index("code").loc[list(codes)].reset_index()


def with_versus(data: MapData, versus: Versus, *, palette: BivariatePalette = BIVARIATE_PALETTE) -> MapData:
    """The bivariate map of ``data``'s indicator against ``versus``, thirds from England's areas or the region's
    (``data.view.compare``).

    Raises
    ------
    UnknownNameError, ParameterError
        When the second measure is not published at the view's level, its year or change is not in its series,
        or it is the same measure as the first.
    """
    if data.versus is not None:
        raise ParameterError("This map already has a second measure: start from a single measure's map.")
    view = data.view
    other = versus_view(view, versus)
    if (other.indicator, other.year, other.change) == (view.indicator, view.year, view.change):
        raise ParameterError(f"Choose a second measure other than {data.spec.label} itself.")
    second = prepare(other)
    shown = dataclasses.replace(second.spec, period=second.spec.period.partition(CENTRE_NOTE)[0])
    second = dataclasses.replace(second, spec=shown, frame=_aligned(second.frame, data.frame["code"]))
    x = pd.to_numeric(data.frame["value"], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(second.frame["value"], errors="coerce").to_numpy(dtype=float)
    x_all, y_all = england_values(view), england_values(other)
    england = pd.DataFrame({"x": x_all, "y": y_all.reindex(x_all.index)}).dropna().rename_axis("code").reset_index()
    if view.compare == "england":
        cells = bivariate(x, y, x_reference=x_all.to_numpy(), y_reference=y_all.to_numpy())
        place, nx, ny = "England's {}", int(x_all.notna().sum()), int(y_all.notna().sum())
    else:
        cells = bivariate(x, y)
        place = "the {} of " + data.region_name.replace("{", "(").replace("}", ")")
        nx, ny = int(np.isfinite(x).sum()), int(np.isfinite(y).sum())
    plural = registry().boundary(view.level).plural
    reference = (f"thirds of {place.format(plural)} with a figure ({data.spec.label}: {nx:,}; "
                 f"{second.spec.label}: {ny:,})")
    x_words, y_words = axis_words(data.spec), axis_words(second.spec)
    names = cell_names(x_words, y_words)
    blank = tuple(float("nan") for _ in names)
    classification = Classification(scheme="quantiles", compare=view.compare, upper=blank, lower=blank, labels=names,
                                    classes=cells.classes, reference=reference)
    result = VersusMap(x=data, y=second, cells=cells, england=england,
                       england_correlation=correlation(england["x"], england["y"]), x_words=x_words,
                       y_words=y_words, palette=palette, reference=reference)
    return dataclasses.replace(data, classification=classification, colours=palette.colours, versus=result)
