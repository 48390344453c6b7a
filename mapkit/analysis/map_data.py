"""A :class:`mapkit.view.View` made ready to draw: its areas loaded, classified and coloured (:class:`MapData`).

The web map and every export format (static map, HTML, CSV, briefing pack) start from the same :class:`MapData`,
so a PNG, its PDF and the web map carry the same classes and colours: the classification comes from
:func:`mapkit.analysis.classify.classify_indicator` and the colours from :func:`mapkit.specs.palettes.class_colours`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from mapkit.analysis.bivariate import Bivariate, Correlation
from mapkit.analysis.classify import Classification, classify_indicator
from mapkit.analysis.ranking import rank_worst_first
from mapkit.data.products import load_indicator, region_kind, region_name
from mapkit.errors import ParameterError
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.specs.bivariate import BivariatePalette
from mapkit.specs.palettes import Ramp, class_colours, resolve
from mapkit.text.bivariate import AxisWords, cell_names
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
        For a bivariate map (:func:`mapkit.analysis.versus.with_versus`), its two single maps and cells; then
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
    """Check the view, load, classify and colour its areas and load its overlays (with its statuses).

    Raises
    ------
    UnknownNameError, ParameterError
        For an invalid view (:meth:`mapkit.view.View.check`), or when the region holds no area of the level (e.g.
        combined authorities inside a district outside any).
    """
    from mapkit.data.overlays import overlay_in_region

    view.check()
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
                                            scheme_name=view.scheme_name, k=view.k, compare=view.compare,
                                            region_label=name)
    if classification.centre_label and not (ramp.diverging or view.over_time):
        # a one-hue palette chosen for a change: no middle colour for the legend to name
        classification = dataclasses.replace(classification, centre_label="")
    colours = tuple(class_colours(ramp, classification.k, spec.higher_is, classification.upper,
                                  classification.centre))
    overlays = {o: overlay_in_region(o, view.region, statuses=view.statuses, as_of=view.as_of_date)
                for o in view.overlays if view.layout != "hex"}  # a hex map's hexagons are not places
    return MapData(view=view, spec=spec, frame=frame, classification=classification, ramp=ramp, colours=colours,
                   region_name=name, region_kind=region_kind(view.region),
                   overlays=overlays)
