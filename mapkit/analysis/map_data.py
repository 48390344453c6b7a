"""A :class:`mapkit.view.View` made ready to draw: its areas loaded, classified and coloured (:class:`MapData`).

The web map and every export format (static map, HTML, CSV, briefing pack) start from the same :class:`MapData`,
so a PNG, its PDF and the web map carry the same classes and colours: the classification comes from
:func:`mapkit.analysis.classify.classify_indicator` and the colours from :func:`mapkit.specs.palettes.class_colours`.

A view with a second measure (``view.versus``) is a bivariate map: both measures are prepared as single maps and cut
into thirds (:mod:`mapkit.analysis.bivariate`), and the result's classes are the nine cells of the 3 x 3 grid.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from mapkit.analysis.bivariate import Bivariate, Correlation, bivariate, correlation
from mapkit.analysis.classify import Classification, classify_indicator
from mapkit.analysis.ranking import rank_worst_first
from mapkit.data.products import load_indicator, region_kind, region_name
from mapkit.errors import ParameterError
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.specs.bivariate import BIVARIATE_PALETTE, BivariatePalette
from mapkit.specs.palettes import Ramp, class_colours, resolve
from mapkit.text.bivariate import AxisWords, axis_words, cell_names
from mapkit.view import View


@dataclasses.dataclass(frozen=True, eq=False)
class MapData:
    """Everything an exporter draws: areas, their classes and colours, wording inputs and overlays.

    Attributes
    ----------
    frame
        :func:`mapkit.load_indicator` for the view (EPSG:4326), aligned with ``classification.classes``.
    colours
        Class colours in ascending value order (darkest = worst), as on the web map.
    overlays
        Overlay id -> its features in the region with the view's statuses (EPSG:4326), in the order asked for.
    versus
        For a view with a second measure (``view.versus``), the bivariate map's two single maps and cells; then
        ``classification`` holds the nine cells and ``colours`` the bivariate palette. ``None`` for one measure.
    """

    view: View
    spec: IndicatorSpec
    frame: gpd.GeoDataFrame
    classification: Classification
    ramp: Ramp
    colours: tuple[str, ...]
    region_name: str
    region_kind: str
    overlays: Mapping[str, gpd.GeoDataFrame]
    versus: VersusMap | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class VersusMap:
    """The two single maps behind a bivariate map, and its cells.

    Attributes
    ----------
    x, y
        The first and second measure's single maps; ``y.frame`` is aligned with ``x.frame`` (same areas, same order).
    cells
        Thirds, cells, counts and correlation of the map's areas.
    england
        Every area of the level in England with both figures: ``code, x, y`` (for the scatter plot's backdrop).
    england_correlation
        Of the two measures over England's areas.
    x_words, y_words
        How each measure's thirds read.
    palette
        The nine colours.
    reference
        What the thirds were computed from, for legends ("England's 296 districts with a figure").
    """

    x: MapData
    y: MapData
    cells: Bivariate
    england: pd.DataFrame
    england_correlation: Correlation
    x_words: AxisWords
    y_words: AxisWords
    palette: BivariatePalette
    reference: str

    @property
    def cell_names(self) -> tuple[str, ...]:
        """The nine cells' names in class order ("less deprived, slower growth", ...)."""
        return cell_names(self.x_words, self.y_words)

    @property
    def y_values(self) -> pd.Series:
        """The second measure's figures, aligned with the first's areas."""
        return pd.to_numeric(self.y.frame["value"], errors="coerce").reset_index(drop=True)

    @property
    def x_values(self) -> pd.Series:
        return pd.to_numeric(self.x.frame["value"], errors="coerce").reset_index(drop=True)

    def ranks(self) -> tuple[pd.Series, pd.Series]:
        """Each measure's rank within the map's areas (1 = worst, by its ``higher_is``), aligned with the areas."""
        return (rank_worst_first(self.x_values, self.x.spec.higher_is),
                rank_worst_first(self.y_values, self.y.spec.higher_is))


def prepare(view: View) -> MapData:
    """Check the view (unless :attr:`~mapkit.view.View.checked` already), load, classify and colour its areas and
    load its overlays (with its statuses). The colours are the map's and every export's: nothing computes them again.

    Raises
    ------
    UnknownNameError, ParameterError
        For an invalid view (:meth:`mapkit.view.View.check`), or when the region holds no area of the level (e.g.
        combined authorities inside a district outside any).
    """
    from mapkit.data.overlays import overlay_in_region

    view.check()  # returns at once for a view from View.lenient or View.check
    spec = view.spec
    name = region_name(view.region)
    frame = load_indicator(view.indicator, view.level, view.region)
    if frame.empty:
        plural = registry().boundary(view.level).plural
        raise ParameterError(f"{name} ({view.region}) contains no {plural}: choose another --level or --region.")
    ramp = resolve(view.palette, spec.palette)
    if view.over_time:
        from mapkit.analysis.timemap import timed_map

        timed = timed_map(view, spec, frame, name)
        spec, frame, classification = timed.spec, timed.frame, timed.classification
        ramp = timed.ramp or ramp
    else:
        classification = classify_indicator(frame, view.indicator, view.level, view.region,
                                            scheme_name=view.scheme_name, k=view.k, breaks_from=view.breaks_from,
                                            region_label=name)
    if classification.centre_label and not (ramp.diverging or view.over_time):
        # a one-hue palette chosen for a change: no middle colour for the legend to name
        classification = dataclasses.replace(classification, centre_label="")
    colours = tuple(class_colours(ramp, classification.k, spec.higher_is, classification.upper,
                                  classification.centre))
    overlays = {o: overlay_in_region(o, view.region, statuses=view.statuses, as_of=view.as_of_date)
                for o in view.overlays if view.layout != "hex"}  # a hex map's hexagons are not places
    data = MapData(view=view, spec=spec, frame=frame, classification=classification, ramp=ramp, colours=colours,
                   region_name=name, region_kind=region_kind(view.region),
                   overlays=overlays)
    return data if view.versus is None else _with_versus(data)


# ------------------------------------------------------------------------------------------ a second measure

CENTRE_NOTE = "; centre:"
"""Where a change map's period names its palette's middle (:mod:`mapkit.analysis.timemap`): a bivariate map has
none, so its second measure's period ends before it."""


def versus_view(view: View) -> View:
    """The single-measure view of a view's second measure: the same region, level and comparison."""
    return View(region=view.region, level=view.level, indicator=view.versus, scheme=None, k=view.k,
                breaks_from=view.breaks_from, year=view.versus_year, change=view.versus_change, centre=view.centre)


def first_view(view: View) -> View:
    """The single-measure view of a view's first measure (the view without its second measure)."""
    return dataclasses.replace(view, versus=None, versus_year=None, versus_change=None)


def england_values(view: View) -> pd.Series:
    """The figures a single-measure view maps, for every area of its level in England, indexed by code: the
    indicator's own, a year of its series, or a change (as :mod:`mapkit.analysis.timemap` maps them)."""
    from mapkit.analysis.series import change, year_values
    from mapkit.data.products import indicator_table

    if view.over_time:
        series = registry().series_for(view.indicator)
        if view.change is not None:
            table = change(series.id, view.level, *view.change).table.rename(columns={"change": "value"})
        else:
            table = year_values(series.id, view.level, view.year)
    else:
        table = indicator_table(view.indicator, view.level)
    return pd.to_numeric(table.set_index("code")["value"], errors="coerce")


def _with_versus(data: MapData, palette: BivariatePalette = BIVARIATE_PALETTE) -> MapData:
    """The bivariate map of a prepared view with a second measure: both single maps prepared alike (so every figure
    is one of theirs), both cut into thirds of England's areas or the region's (``view.breaks_from``), the nine cells
    as the classes and the bivariate palette as the colours, so every surface that draws classes (the web map,
    static maps, a hex map) draws it unchanged; :attr:`MapData.versus` keeps the rest."""
    view = data.view
    first = dataclasses.replace(data, view=first_view(view))
    second = prepare(versus_view(view))
    shown = dataclasses.replace(second.spec, period=second.spec.period.partition(CENTRE_NOTE)[0])
    aligned = second.frame.set_index("code").loc[list(data.frame["code"])].reset_index()
    second = dataclasses.replace(second, spec=shown, frame=aligned)
    x = pd.to_numeric(data.frame["value"], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(second.frame["value"], errors="coerce").to_numpy(dtype=float)
    x_all, y_all = england_values(first.view), england_values(second.view)
    england = pd.DataFrame({"x": x_all, "y": y_all.reindex(x_all.index)}).dropna().rename_axis("code").reset_index()
    if view.breaks_from == "england":
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
    classification = Classification(scheme="quantiles", breaks_from=view.breaks_from, upper=blank, lower=blank,
                                    labels=names, classes=cells.classes, reference=reference)
    result = VersusMap(x=first, y=second, cells=cells, england=england,
                       england_correlation=correlation(england["x"], england["y"]), x_words=x_words,
                       y_words=y_words, palette=palette, reference=reference)
    return dataclasses.replace(data, classification=classification, colours=palette.colours, versus=result)
