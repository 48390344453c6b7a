"""The one :class:`View`: what a map shows, with one set of defaults and one validation.

A view comes from the app's widgets, from a link (:mod:`mapkit.links`) or from the command line, and goes to the
web map (:func:`mapkit.web.choropleth.build_map`) and to every export (:func:`mapkit.analysis.map_data.prepare`). It is
checked in one of two ways:

* :meth:`View.lenient` for untrusted input (a link, the widgets): each invalid part is replaced by its default and
  a plain-text notice says why. A notice quotes at most a short, character-filtered excerpt of the offending value
  (:func:`shown`), never raw text that could be rendered as markup. Combinations are checked in dependency order:
  region, level (which levels fit in the region), indicator (published at that level?), scheme (national deciles
  only where published), then the rest.
* :meth:`View.check` for the command line and exports: the first invalid part raises an error that names the
  allowed values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from mapkit.specs.basemaps import BASEMAPS
from mapkit.specs.layouts import DEFAULT_LAYOUT, LAYOUTS
from mapkit.data.hexes import hex_problem
from mapkit.specs.classes import CENTRES, COMPARES, K_MAX, K_MIN, SCHEMES, available_schemes
from mapkit.specs.classes import scheme as scheme_spec
from mapkit.data.products import ENGLAND, load_boundaries, region_kind, region_name, regions
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.specs.registry import LEVELS, IndicatorSpec, overlay_declarations, overlay_specs, registry
from mapkit.specs.palettes import DEFAULT as DEFAULT_PALETTE
from mapkit.specs.palettes import PALETTES, resolve
from mapkit.data.postcodes import formatted, lookup
from mapkit.data.series import change_years, years
from mapkit.data.status_dates import check_as_of

WMCA = "E47000007"
MAX_COMPARE = 10
"""Most areas compared at once (:mod:`mapkit.analysis.compare`)."""
COMPARE_LEVELS = ("ward", "lad", "ca")

LEVELS_IN: dict[str, tuple[str, ...]] = {
    "england": ("ca", "lad", "ward", "lsoa"),
    "ca": ("ca", "lad", "ward", "lsoa"),
    "lad": ("lad", "ward", "lsoa"),
}
"""Levels offered for each kind of region: those whose areas lie inside it. All of England's 33,755 LSOAs are
one level too: the page fetches their geometry once (:mod:`mapkit.web.geometry_files`) and draws them on one
canvas, so an indicator change sends only colours and tooltips (benchmarks/results.md)."""


@dataclasses.dataclass(frozen=True)
class View:
    """Everything that defines a map view; the defaults are the app's opening view (West Midlands wards, IMD).

    Constructing a view checks nothing: use :meth:`lenient` for untrusted input and :meth:`check` where an
    invalid setting must stop the work (the command line, exports).

    Parameters
    ----------
    region
        ``E92000001`` (England), an ``E47`` combined authority or an ``E06/E07/E08/E09`` district code.
    level
        ``ca``, ``lad``, ``ward`` or ``lsoa``.
    indicator
        An indicator id (``python -m mapkit indicators``) published at ``level``.
    scheme
        A key of :data:`mapkit.specs.classes.SCHEMES`; ``None`` means the official national deciles where the
        indicator has them, else quantiles (:attr:`scheme_name`).
    k
        Number of classes (ignored by national deciles).
    compare
        ``"england"`` or ``"region"``: where the class breaks come from.
    palette
        A palette name, or ``"default"`` for the indicator's own.
    basemap
        A key of :data:`mapkit.specs.basemaps.BASEMAPS` (static maps draw no tiles).
    area
        Code of the area whose profile is open, or ``None``.
    overlays
        Overlay ids from ``layers/overlays.toml``, drawn above the areas.
    statuses
        Overlay status categories drawn (declared order); ``None`` means all of them.
    postcode
        A live English postcode (ONS ``pcds`` form, ``B9 5RP``) marked on the map, inside ``region``; or ``None``.
    year
        For an indicator with an ONS time series (``layers/series.toml``): the year shown; ``None`` means the
        indicator's own (latest) figures.
    change
        ``(start, end)``: map the change in the series between these years instead of one year's values.
    centre
        For a change map, a key of :data:`mapkit.specs.classes.CENTRES`: the diverging palette's middle.
    compare_areas
        Codes of up to :data:`MAX_COMPARE` areas of ``level``, anywhere in England, compared side by side
        (:mod:`mapkit.analysis.compare`) and outlined on the map.
    as_of
        An ISO date (``2025-01-31``): overlays show only schemes whose status was recorded by then, and popups
        flag statuses over a year older than it (:mod:`mapkit.data.status_dates`); ``None`` means today.
    layout
        A key of :data:`mapkit.specs.layouts.LAYOUTS`: ``map`` (areas as they lie) or ``hex`` (each area one equal
        hexagon; districts anywhere, wards of a combined authority or a district).
    """

    region: str = WMCA
    level: str = "ward"
    indicator: str = "imd_score"
    scheme: str | None = None
    k: int = 5
    compare: str = "england"
    palette: str = DEFAULT_PALETTE
    basemap: str = "light"
    area: str | None = None
    overlays: tuple[str, ...] = ()
    statuses: tuple[str, ...] | None = None
    postcode: str | None = None
    year: int | None = None
    change: tuple[int, int] | None = None
    centre: str = "zero"
    compare_areas: tuple[str, ...] = ()
    as_of: str | None = None
    layout: str = DEFAULT_LAYOUT

    @property
    def as_of_date(self) -> dt.date | None:
        """:attr:`as_of` as a date (``None`` when not set)."""
        return None if self.as_of is None else check_as_of(self.as_of)

    @property
    def spec(self) -> IndicatorSpec:
        """The indicator's declaration."""
        return registry().indicator(self.indicator)

    @property
    def scheme_name(self) -> str:
        """The scheme used: :attr:`scheme`, or for ``None`` national deciles where published, else quantiles."""
        if self.scheme is not None:
            return self.scheme
        return "national_deciles" if self.spec.national_deciles else "quantiles"

    def check(self) -> View:
        """This view, when every setting is valid and fits the others.

        Raises
        ------
        UnknownNameError, ParameterError
            For the first setting that is unknown or does not fit the others; the message names the allowed values.
        """
        region_name(self.region)
        if self.level not in LEVELS:
            raise UnknownNameError(f"Unknown level {self.level!r}: use one of {', '.join(LEVELS)}.")
        spec = self.spec
        if self.level not in spec.levels:
            reason = spec.note_for(self.level) or f"it is published for {', '.join(spec.levels)} only"
            raise UnknownNameError(f"{spec.label} ({self.indicator}) is not available at level {self.level!r}: "
                                   f"{reason.rstrip('.')}.")
        if self.scheme is not None:
            scheme_spec(self.scheme)
            if self.scheme not in available_schemes(spec):
                raise UnknownNameError(f"{spec.label} has no official national deciles: use --scheme "
                                       f"{' or '.join(available_schemes(spec))}.")
        if isinstance(self.k, bool) or not isinstance(self.k, int) or not K_MIN <= self.k <= K_MAX:
            raise ParameterError(f"Number of classes is {self.k!r}: choose a whole number from {K_MIN} to {K_MAX}.")
        if self.compare not in COMPARES:
            raise UnknownNameError(f"Unknown comparison {self.compare!r}: use one of {', '.join(COMPARES)}.")
        resolve(self.palette, spec.palette)
        if self.basemap not in BASEMAPS:
            raise UnknownNameError(f"Unknown basemap {self.basemap!r}: use one of {', '.join(BASEMAPS)}.")
        known = overlay_specs()
        unknown = [o for o in self.overlays if o not in known]
        if unknown:
            raise UnknownNameError(f"Unknown overlay(s) {', '.join(map(repr, unknown))}: use "
                                   f"{', '.join(known)} (declared in layers/overlays.toml).")
        if self.statuses is not None:
            order = status_order()
            wrong = [s for s in self.statuses if s not in order]
            if wrong:
                raise UnknownNameError(f"Unknown overlay status(es) {', '.join(map(repr, wrong))}: use "
                                       f"{', '.join(order)} (declared in layers/overlays.toml).")
        if self.postcode is not None:
            problem = postcode_problem(self.postcode, self.region)
            if problem:
                raise UnknownNameError(f"Postcode {self.postcode!r}: {problem}.")
        if self.as_of is not None:
            check_as_of(self.as_of)
        if self.area is not None and self.area not in set(load_boundaries(self.level, self.region)["code"]):
            raise UnknownNameError(f"Area {self.area!r} is not one of the {registry().boundary(self.level).plural} "
                                   f"of {region_name(self.region)}: choose one of them, or none.")
        _check_time(self)
        if self.layout not in LAYOUTS:
            raise UnknownNameError(f"Unknown layout {self.layout!r}: use one of {', '.join(LAYOUTS)}.")
        if self.layout == "hex" and hex_problem(self.level, self.region):
            raise ParameterError(hex_problem(self.level, self.region))
        if self.compare_areas:
            if len(self.compare_areas) > MAX_COMPARE:
                raise ParameterError(f"Compare at most {MAX_COMPARE} areas ({len(self.compare_areas)} given).")
            plural = registry().boundary(self.level).plural
            if self.level not in COMPARE_LEVELS:
                raise ParameterError(f"Areas are compared as wards, districts or combined authorities, not {plural}.")
            known = set(load_boundaries(self.level)["code"])
            wrong = [c for c in self.compare_areas if c not in known]
            if wrong:
                raise UnknownNameError(f"Compare area(s) {', '.join(map(repr, wrong[:5]))} are not {plural} of "
                                       "England.")
        return self

    @property
    def over_time(self) -> bool:
        """True when the view shows a chosen year or a change rather than the indicator's own figures."""
        return self.year is not None or self.change is not None

    @classmethod
    def lenient(cls, *, overlay_ids: Collection[str] | None = None, **fields: Any) -> tuple[View, list[str]]:
        """A consistent view from untrusted settings, replacing each invalid part with its default, and why.

        Parameters
        ----------
        overlay_ids
            Overlay ids on offer (others are dropped); ``None`` means every declared overlay.
        **fields
            Any of the view's fields, with values of any type; missing ones take their defaults.

        Returns
        -------
        tuple
            The valid view (its ``scheme`` never ``None``) and plain-text notices (empty when nothing changed).
        """
        return _lenient(cls(**fields), set(overlay_specs() if overlay_ids is None else overlay_ids))


DEFAULT = View(scheme="national_deciles")
"""The app's opening view, as :meth:`View.lenient` gives it: the scheme spelled out (``View().scheme_name``, written
here so that importing this module reads no declaration; tests/unit/test_view.py checks the two agree)."""


def _check_time(view: View) -> None:
    """A year or change needs a time series at the view's level, published years, and not both at once."""
    if view.centre not in CENTRES:
        raise UnknownNameError(f"Unknown centre {view.centre!r}: use one of {', '.join(CENTRES)}.")
    if not view.over_time:
        return
    series = registry().series_for(view.indicator)
    if series is None or view.level not in ("lad", "ca"):
        raise ParameterError(f"{view.spec.label} has no ONS time series at level {view.level!r}: years and changes "
                             "are offered for districts and combined authorities, for indicators with a series.")
    if view.year is not None and view.change is not None:
        raise ParameterError("Choose a year or a change between two years, not both.")
    known = years(series.id)
    asked = [view.year] if view.year is not None else list(change_years(view.change))
    for year in asked:
        if year not in known:
            raise ParameterError(f"{series.label}: ONS publishes {known[0]} to {known[-1]}, not {year!r}.")


def status_order() -> tuple[str, ...]:
    """Every overlay status category, in the declared order (open first, "status unclear" last)."""
    return overlay_declarations().status.order


def shown(value: str, limit: int = 40) -> str:
    """A short excerpt of untrusted text that is safe to show anywhere: only letters, digits and ``_ .,:;()+-``
    survive, other characters become ``?``, and the result is quoted in backticks."""
    cleaned = re.sub(r"[^A-Za-z0-9 _.,:;()+\-]", "?", value)
    if len(cleaned) > limit:
        cleaned = cleaned[:limit] + "..."
    return f"`{cleaned}`"


def _kind_or_none(code: str) -> str | None:
    """:func:`mapkit.data.products.region_kind`, or ``None`` for an unknown code (a link's region is checked
    elsewhere)."""
    try:
        return region_kind(code)
    except UnknownNameError:
        return None


def levels_for(region: str) -> tuple[str, ...]:
    """Levels offered in a region (see :data:`LEVELS_IN`)."""
    return LEVELS_IN.get(_kind_or_none(region) or "england", LEVELS_IN["england"])


def indicators_for(level: str) -> list[str]:
    """Indicator ids published at ``level``, in declaration order."""
    return [i for i, spec in registry().indicators.items() if level in spec.levels]


def default_indicator(level: str) -> str:
    """The default indicator where it is published at ``level``, else the first that is."""
    available = indicators_for(level)
    return DEFAULT.indicator if DEFAULT.indicator in available else available[0]


def _level_label(level: str) -> str:
    return registry().boundary(level).plural


def _lenient(candidate: View, overlay_ids: Collection[str]) -> tuple[View, list[str]]:
    notices: list[str] = []
    reg = registry()
    region = candidate.region
    names = dict(zip(regions()["code"], regions()["name"]))
    if not isinstance(region, str) or region not in names:
        notices.append(f"The link's region {shown(str(region))} is not a known area code, so the map shows "
                       f"{names[DEFAULT.region]} instead.")
        region = DEFAULT.region
    offered = levels_for(region)
    level = candidate.level
    if level not in offered:
        fallback = DEFAULT.level if DEFAULT.level in offered else offered[0]
        if level in reg.boundaries:
            why = f"{_level_label(level)} do not fit inside {names[region]}"
            notices.append(f"{why[0].upper()}{why[1:]}: showing {_level_label(fallback)} instead.")
        else:
            notices.append(f"The link's level {shown(str(level))} is not one of {', '.join(offered)}: showing "
                           f"{_level_label(fallback)} instead.")
        level = fallback
    indicator = candidate.indicator
    if indicator not in reg.indicators:
        notices.append(f"The link's indicator {shown(str(indicator))} is not known: showing "
                       f"{reg.indicator(default_indicator(level)).label} instead.")
        indicator = default_indicator(level)
    elif level not in reg.indicators[indicator].levels:
        spec = reg.indicators[indicator]
        reason = spec.note_for(level) or f"it is published for {', '.join(spec.levels)} only"
        indicator = default_indicator(level)
        notices.append(f"{spec.label} is not available for {_level_label(level)} ({reason.rstrip('.')}): "
                       f"showing {reg.indicator(indicator).label} instead.")
    spec = reg.indicators[indicator]
    scheme = candidate.scheme
    if scheme is None:
        scheme = View(indicator=indicator).scheme_name
    elif scheme not in SCHEMES:
        notices.append(f"The link's classification {shown(str(scheme))} is not known: using quantiles.")
        scheme = "quantiles"
    elif scheme not in available_schemes(spec):
        notices.append(f"{spec.label} has no official national deciles: using quantiles.")
        scheme = "quantiles"
    k = candidate.k
    if not isinstance(k, int) or isinstance(k, bool) or not K_MIN <= k <= K_MAX:
        notices.append(f"The number of classes must be between {K_MIN} and {K_MAX}: using {DEFAULT.k}.")
        k = DEFAULT.k
    compare = candidate.compare
    if compare not in COMPARES:
        notices.append(f"The link's comparison {shown(str(compare))} is not known: classes are "
                       f"{COMPARES[DEFAULT.compare]}.")
        compare = DEFAULT.compare
    palette = candidate.palette
    if palette != DEFAULT_PALETTE and palette not in PALETTES:
        notices.append(f"The link's palette {shown(str(palette))} is not known: using the indicator's own palette.")
        palette = DEFAULT_PALETTE
    basemap = candidate.basemap
    if basemap not in BASEMAPS:
        notices.append(f"The link's basemap {shown(str(basemap))} is not known: using "
                       f"{BASEMAPS[DEFAULT.basemap].label}.")
        basemap = DEFAULT.basemap
    area = candidate.area or None
    if area is not None and area not in set(load_boundaries(level, region)["code"]):
        notices.append(f"The selected area {shown(str(area))} is not one of the {_level_label(level)} of "
                       f"{names[region]}, so no area profile is open.")
        area = None
    overlays: list[str] = []
    for overlay in candidate.overlays:
        if overlay in overlay_ids:
            if overlay not in overlays:
                overlays.append(overlay)
        else:
            notices.append(f"The link's overlay {shown(str(overlay))} is not available and was left out.")
    statuses = _lenient_statuses(candidate.statuses, notices)
    postcode = candidate.postcode or None
    if postcode is not None:
        problem = postcode_problem(str(postcode), region)
        if problem:
            notices.append(f"The postcode {shown(str(postcode))} is not marked: {problem}.")
            postcode = None
        else:
            postcode = formatted(str(postcode))
    compare_areas = _lenient_compare(candidate.compare_areas, level, notices)
    as_of = candidate.as_of or None
    if as_of is not None:
        try:
            as_of = check_as_of(as_of).isoformat()
        except ParameterError:
            notices.append(f"The link's as-of date {shown(str(as_of))} is not a date written YYYY-MM-DD between "
                           "1990 and ten years ahead: the overlays are shown as of today.")
            as_of = None
    layout = candidate.layout
    if layout not in LAYOUTS:
        notices.append(f"The link's layout {shown(str(layout))} is not known: showing the {LAYOUTS['map'].lower()}.")
        layout = DEFAULT_LAYOUT
    elif layout == "hex" and hex_problem(level, region):
        notices.append(f"{hex_problem(level, region)} Showing the map instead.")
        layout = DEFAULT_LAYOUT
    view = View(region=region, level=level, indicator=indicator, scheme=scheme, k=k, compare=compare,
                palette=palette, basemap=basemap, area=area, overlays=tuple(overlays), statuses=statuses,
                postcode=postcode, compare_areas=compare_areas, as_of=as_of, layout=layout)
    return _lenient_time(view, candidate, notices), notices


def _lenient_time(view: View, candidate: View, notices: list[str]) -> View:
    """The candidate's year, change and centre where they fit the (already valid) view, else none, and why."""
    centre = candidate.centre if candidate.centre in CENTRES else DEFAULT.centre
    if centre != candidate.centre:
        notices.append(f"The link's centre {shown(str(candidate.centre))} is not known: change maps are centred "
                       f"on {CENTRES[centre]}.")
    year, change = candidate.year, candidate.change
    if year is not None and change is not None:
        notices.append("The link asks for a year and a change: showing the change.")
        year = None
    timed = dataclasses.replace(view, year=year, change=change, centre=centre)
    if not timed.over_time:
        return timed
    try:
        _check_time(timed)
    except (ParameterError, UnknownNameError, TypeError) as exc:
        notices.append(f"{exc} Showing the latest figures instead.")
        return dataclasses.replace(timed, year=None, change=None)
    return timed


def postcode_problem(postcode: str, region: str) -> str | None:
    """Why a postcode cannot be marked in a region (not a live English postcode, no point, outside it), or None."""
    found = lookup(postcode) if isinstance(postcode, str) else None
    if found is None:
        return "it is not a live English postcode"
    if found.lat is None or found.region is None:
        return "the sources give it no point or no area"
    if region != ENGLAND and region not in (found.lad_code, found.ca_code):
        return f"it lies outside {region_name(region)}"
    return None


def _lenient_compare(codes: Collection[str], level: str, notices: list[str]) -> tuple[str, ...]:
    """Known areas of ``level`` in England, once each, at most :data:`MAX_COMPARE`; a notice for each drop."""
    if not codes:
        return ()
    plural = _level_label(level)
    if level not in COMPARE_LEVELS:
        notices.append(f"Areas are compared as wards, districts or combined authorities, not {plural}: the compare "
                       "list was left out.")
        return ()
    known = set(load_boundaries(level)["code"])
    kept: list[str] = []
    unknown = []
    for code in codes:
        if not isinstance(code, str) or code not in known:
            unknown.append(shown(str(code), 12))
        elif code not in kept:
            kept.append(code)
    if unknown:
        notices.append(f"Not {plural} of England, so left out of the comparison: {', '.join(unknown[:5])}"
                       + (f" and {len(unknown) - 5} more." if len(unknown) > 5 else "."))
    if len(kept) > MAX_COMPARE:
        notices.append(f"At most {MAX_COMPARE} areas can be compared: the first {MAX_COMPARE} were kept and "
                       f"{len(kept) - MAX_COMPARE} left out.")
        kept = kept[:MAX_COMPARE]
    return tuple(kept)


def _lenient_statuses(statuses: Collection[str] | None, notices: list[str]) -> tuple[str, ...] | None:
    """Known categories once, in declared order; ``None`` (all) when every category is chosen."""
    if statuses is None:
        return None
    order = status_order()
    chosen = set()
    for status in statuses:
        if status in order:
            chosen.add(status)
        else:
            notices.append(f"The link's overlay status {shown(str(status))} is not known and was left out (use "
                           f"{', '.join(order)}).")
    if not chosen and statuses:
        notices.append("No known overlay status was left in the link: showing every status.")
        return None
    if chosen == set(order):
        return None
    return tuple(s for s in order if s in chosen)
