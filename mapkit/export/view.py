"""What an export shows (:class:`ExportView`), checked once, and the data it is drawn from (:class:`MapData`).

Every format (static map, HTML, CSV, briefing pack) starts from the same :class:`MapData`, so a PNG, its PDF and
the web map carry the same classes and colours: the classification comes from :func:`mapkit.classify
.classify_indicator` and the colours from :func:`mapkit.palettes.class_colours`, exactly as the app does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from mapkit.classify import COMPARES, K_MAX, K_MIN, Classification, available_schemes, classify_indicator, scheme
from mapkit.data import ENGLAND, load_indicator, region_name, regions
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.layers import LEVELS, IndicatorSpec, overlay_specs, registry
from mapkit.palettes import DEFAULT as DEFAULT_PALETTE
from mapkit.palettes import Ramp, class_colours, resolve

DEFAULT_K = 5
DEFAULT_COMPARE = "england"
DEFAULT_BASEMAP = "light"


@dataclasses.dataclass(frozen=True)
class ExportView:
    """One map view to export: the same settings as the app's view, checked at construction.

    Parameters
    ----------
    region
        ``E92000001`` (England), an ``E47`` combined authority or an ``E06/E07/E08/E09`` district code.
    level
        ``ca``, ``lad``, ``ward`` or ``lsoa``.
    indicator
        An indicator id (``python -m mapkit indicators``) published at ``level``.
    scheme
        A key of :data:`mapkit.classify.SCHEMES`; ``None`` means the official national deciles where the
        indicator has them, else quantiles (the app's default).
    k
        Number of classes (ignored by national deciles).
    compare
        ``"england"`` or ``"region"``: where the class breaks come from.
    palette
        A palette name, or ``"default"`` for the indicator's own.
    overlays
        Overlay ids from ``layers/overlays.toml``, drawn above the areas.
    basemap
        Basemap of the interactive HTML export (static maps draw no tiles).

    Raises
    ------
    UnknownNameError, ParameterError
        For any setting that is unknown or does not fit the others; the message names the allowed values.
    """

    region: str
    level: str
    indicator: str
    scheme: str | None = None
    k: int = DEFAULT_K
    compare: str = DEFAULT_COMPARE
    palette: str = DEFAULT_PALETTE
    overlays: tuple[str, ...] = ()
    basemap: str = DEFAULT_BASEMAP

    def __post_init__(self) -> None:
        region_name(self.region)
        if self.level not in LEVELS:
            raise UnknownNameError(f"Unknown level {self.level!r}: use one of {', '.join(LEVELS)}.")
        spec = registry().indicator(self.indicator)
        if self.level not in spec.levels:
            reason = spec.note_for(self.level) or f"it is published for {', '.join(spec.levels)} only"
            raise UnknownNameError(f"{spec.label} ({self.indicator}) is not available at level {self.level!r}: "
                                   f"{reason.rstrip('.')}.")
        if self.scheme is not None:
            scheme(self.scheme)
            if self.scheme not in available_schemes(spec):
                raise UnknownNameError(f"{spec.label} has no official national deciles: use --scheme "
                                       f"{' or '.join(available_schemes(spec))}.")
        if isinstance(self.k, bool) or not isinstance(self.k, int) or not K_MIN <= self.k <= K_MAX:
            raise ParameterError(f"Number of classes is {self.k!r}: choose a whole number from {K_MIN} to {K_MAX}.")
        if self.compare not in COMPARES:
            raise UnknownNameError(f"Unknown comparison {self.compare!r}: use one of {', '.join(COMPARES)}.")
        resolve(self.palette, spec.palette)
        known = overlay_specs()
        unknown = [o for o in self.overlays if o not in known]
        if unknown:
            raise UnknownNameError(f"Unknown overlay(s) {', '.join(map(repr, unknown))}: use "
                                   f"{', '.join(known)} (declared in layers/overlays.toml).")

    @property
    def scheme_name(self) -> str:
        """The scheme actually used (resolves ``None`` as the app does)."""
        if self.scheme is not None:
            return self.scheme
        return "national_deciles" if self.spec.national_deciles else "quantiles"

    @property
    def spec(self) -> IndicatorSpec:
        return registry().indicator(self.indicator)

    @classmethod
    def from_state(cls, state: Any) -> ExportView:
        """The export of an app view (``mapkit.state.ViewState`` or anything with the same attributes)."""
        return cls(region=state.region, level=state.level, indicator=state.indicator, scheme=state.scheme,
                   k=state.k, compare=state.compare, palette=state.palette, overlays=tuple(state.overlays),
                   basemap=getattr(state, "basemap", DEFAULT_BASEMAP))


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
        Overlay id -> its features in the region (EPSG:4326), in the order asked for.
    """

    view: ExportView
    spec: IndicatorSpec
    frame: gpd.GeoDataFrame
    classification: Classification
    ramp: Ramp
    colours: tuple[str, ...]
    region_name: str
    region_kind: str
    overlays: Mapping[str, gpd.GeoDataFrame]


def region_kind(code: str) -> str:
    """``"england"``, ``"ca"`` or ``"lad"`` (see :func:`mapkit.regions`)."""
    table = regions()
    return str(table.loc[table["code"] == code, "kind"].iloc[0])


def prepare(view: ExportView) -> MapData:
    """Load, classify and colour the view's areas and load its overlays.

    Raises
    ------
    ParameterError
        When the region holds no area of the level (e.g. combined authorities inside a district outside any).
    """
    from mapkit.overlays import overlay_in_region

    spec = view.spec
    name = region_name(view.region)
    frame = load_indicator(view.indicator, view.level, view.region)
    if frame.empty:
        plural = registry().boundary(view.level).plural
        raise ParameterError(f"{name} ({view.region}) contains no {plural}: choose another --level or --region.")
    classification = classify_indicator(frame, view.indicator, view.level, view.region,
                                        scheme_name=view.scheme_name, k=view.k, compare=view.compare,
                                        region_label=name)
    ramp = resolve(view.palette, spec.palette)
    colours = tuple(class_colours(ramp, classification.k, spec.higher_is))
    overlays = {o: overlay_in_region(o, view.region) for o in view.overlays}
    return MapData(view=view, spec=spec, frame=frame, classification=classification, ramp=ramp, colours=colours,
                   region_name=name, region_kind="england" if view.region == ENGLAND else region_kind(view.region),
                   overlays=overlays)
