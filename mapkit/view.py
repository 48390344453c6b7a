"""The one :class:`View`: what a map shows, with one set of defaults and one validation.

A view comes from the app's widgets, from a link (:mod:`mapkit.links`) or from the command line, and goes to the
web map (:func:`mapkit.web.webmap.build_map`) and to every export (:func:`mapkit.analysis.map_data.prepare`).
One table of rules (:data:`RULES`, one per setting, in dependency order: region, level (which levels fit in the
region), indicator (published at that level?), scheme (national deciles only where published), then the rest) says
for each setting what is valid, the error that names the allowed values, the notice, and the fallback. It is read in
one of two ways:

* :meth:`View.lenient` for untrusted input (a link, the widgets): each invalid part is replaced by its fallback and
  a plain-text notice says why. A notice quotes at most a short, character-filtered excerpt of the offending value
  (:func:`excerpt`), never raw text that could be rendered as markup.
* :meth:`View.check` for the command line and exports: the first invalid part raises its error.

Either way the view that comes out is marked :attr:`View.checked`, so the work that follows (``prepare``) does not
check it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import Any

from mapkit.specs.basemaps import BASEMAPS
from mapkit.specs.layouts import DEFAULT_LAYOUT, LAYOUTS
from mapkit.data.hexes import hex_problem
from mapkit.specs.classes import BREAKS_FROM, CENTRES, K_MAX, K_MIN, available_schemes
from mapkit.specs.classes import scheme as scheme_spec
from mapkit.data import own_areas
from mapkit.data.own_areas import OwnArea
from mapkit.data.products import ENGLAND, area_codes, region_kind, region_name
from mapkit.errors import MapkitError, ParameterError, UnknownNameError
from mapkit.specs.registry import LEVELS, IndicatorSpec, overlay_declarations, overlay_specs, registry
from mapkit.specs.palettes import DEFAULT as DEFAULT_PALETTE
from mapkit.specs.palettes import resolve
from mapkit.data.overlays import feature_ids
from mapkit.data.postcodes import formatted, lookup
from mapkit.data.series import change_years, years
from mapkit.data.status_dates import check_as_of

WMCA = "E47000007"
MAX_COMPARE = 10
"""Most areas compared at once (:mod:`mapkit.analysis.compare`)."""
COMPARE_LEVELS = ("ward", "lad", "ca")
SIMILAR_LEVELS = ("ward", "lad", "ca")
"""Levels whose areas have similar areas (:data:`mapkit.analysis.similar.LEVELS`)."""

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
    breaks_from
        ``"england"`` or ``"region"``: where the class breaks come from (all of England's areas of the level, or
        the region's).
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
    versus
        A second indicator at ``level``: the map becomes the bivariate map of the two (each cut into thirds of
        England's areas, or of the region's with ``breaks_from="region"``); ``None`` for one measure.
    versus_year, versus_change
        For a second indicator with an ONS time series: one year of it, or its change between two years (as
        ``year`` and ``change`` are for the first).
    as_of
        An ISO date (``2025-01-31``): overlays show only schemes whose status was recorded by then, and popups
        flag statuses over a year older than it (:mod:`mapkit.data.status_dates`); ``None`` means today.
    similar
        Outline the open area's most similar areas in England on the map (:mod:`mapkit.analysis.similar`), the
        map fitted to them; only with an open :attr:`area` of a level in :data:`SIMILAR_LEVELS`.
    place
        ``overlay_id:feature_id``: a feature of one of :attr:`overlays` the page is opened on (a growth zone, a
        scheme found by a search): the map is fitted to it and "Who lives near" shows it; ``None`` for none.
    own
        The user's own area as its link token (:func:`mapkit.data.own_areas.to_token`: ward or LSOA codes, or an
        outline of at most 200 vertices), or ``None``; :attr:`own_area` reads it.
    own_name
        The name the user gave their own area.
    layout
        A key of :data:`mapkit.specs.layouts.LAYOUTS`: ``map`` (areas as they lie) or ``hex`` (each area one equal
        hexagon; districts anywhere, wards of a combined authority or a district).
    """

    region: str = WMCA
    level: str = "ward"
    indicator: str = "imd_score"
    scheme: str | None = None
    k: int = 5
    breaks_from: str = "england"
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
    similar: bool = False
    place: str | None = None
    versus: str | None = None
    versus_year: int | None = None
    versus_change: tuple[int, int] | None = None
    own: str | None = None
    own_name: str | None = None
    layout: str = DEFAULT_LAYOUT

    @property
    def own_area(self) -> OwnArea | None:
        """The own area :attr:`own` holds, named :attr:`own_name` (read once per token and name)."""
        return None if self.own is None else _own_area(self.own, self.own_name)

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

    @property
    def checked(self) -> bool:
        """True for a view returned by :meth:`check` or :meth:`lenient`: every setting is valid and fits the others,
        so :func:`mapkit.analysis.map_data.prepare` need not check it again. A view made by the constructor or by
        ``dataclasses.replace`` is not marked, whatever it holds."""
        return self.__dict__.get("_checked", False)

    def check(self) -> View:
        """This view, when every setting is valid and fits the others (then marked :attr:`checked`).

        Raises
        ------
        UnknownNameError, ParameterError
            For the first setting that is unknown or does not fit the others; the message names the allowed values.
        """
        if self.checked:
            return self
        for rule in RULES:
            error = rule(self, overlay_specs()).error
            if error is not None:
                raise error
        object.__setattr__(self, "_checked", True)  # not a field: replace() and == ignore it
        return self

    def with_area(self, area: str | None) -> View:
        """This view with another open area (``None``: none); closing the profile also closes its similar areas'
        outlines (:attr:`similar`), which belong to an open area."""
        return dataclasses.replace(self, area=area, similar=self.similar and area is not None)

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
        view = cls(**fields)
        offered = tuple(overlay_specs()) if overlay_ids is None else tuple(overlay_ids)
        notices: list[str] = []
        for rule in RULES:
            outcome = rule(view, offered)
            notices.extend(outcome.notices)
            if outcome.values:
                view = dataclasses.replace(view, **outcome.values)
        object.__setattr__(view, "_checked", True)
        return view, notices


DEFAULT = View(scheme="national_deciles")
"""The app's opening view, as :meth:`View.lenient` gives it: the scheme spelled out (``View().scheme_name``, written
here so that importing this module reads no declaration; tests/unit/test_view.py checks the two agree)."""


def status_order() -> tuple[str, ...]:
    """Every overlay status category, in the declared order (open first, "status unclear" last)."""
    return overlay_declarations().status.order


def excerpt(value: str, limit: int = 40) -> str:
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




# ------------------------------------------------------------------------------------------------ the rule table


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one rule says of a view.

    Attributes
    ----------
    values
        Fields to replace in the lenient view: a fallback for an invalid setting, or a valid one written in its one
        form (a postcode formatted, overlays once each, the scheme spelled out); empty when the view's are kept.
    notices
        Plain-text notices for :meth:`View.lenient`: what was wrong and what is shown instead.
    error
        What :meth:`View.check` raises (the message names the allowed values); ``None`` when the setting is valid.
    """

    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    notices: tuple[str, ...] = ()
    error: Exception | None = None


OK = Outcome()


def _invalid(field: str, fallback: Any, notice: str, error: Exception) -> Outcome:
    return Outcome({field: fallback}, (notice,), error)


def _region_rule(view: View, offered: Collection[str]) -> Outcome:
    region = view.region
    try:
        if not isinstance(region, str):
            raise UnknownNameError(f"Unknown region {region!r}: use a region code (`python -m mapkit regions`).")
        region_name(region)
    except UnknownNameError as exc:
        return _invalid("region", DEFAULT.region, f"The link's region {excerpt(str(region))} is not a known area code, "
                        f"so the map shows {region_name(DEFAULT.region)} instead.", exc)
    return OK


def _level_rule(view: View, offered: Collection[str]) -> Outcome:
    """Levels whose areas lie inside the region (:func:`levels_for`)."""
    level, region = view.level, view.region
    levels = levels_for(region)
    if level in levels:
        return OK
    fallback = DEFAULT.level if DEFAULT.level in levels else levels[0]
    if isinstance(level, str) and level in LEVELS:
        name = region_name(region)
        why = f"{_level_label(level)} do not fit inside {name}"
        return _invalid("level", fallback, f"{why[0].upper()}{why[1:]}: showing {_level_label(fallback)} instead.",
                        ParameterError(f"{name} ({region}) contains no {_level_label(level)}: choose another "
                                       "--level or --region."))
    return _invalid("level", fallback, f"The link's level {excerpt(str(level))} is not one of {', '.join(levels)}: "
                    f"showing {_level_label(fallback)} instead.",
                    UnknownNameError(f"Unknown level {level!r}: use one of {', '.join(LEVELS)}."))


def _indicator_rule(view: View, offered: Collection[str]) -> Outcome:
    """An indicator published at the level."""
    reg, indicator, level = registry(), view.indicator, view.level
    fallback = default_indicator(level)
    try:
        spec = reg.indicator(indicator) if isinstance(indicator, str) else reg.indicator(repr(indicator))
    except UnknownNameError as exc:
        return _invalid("indicator", fallback, f"The link's indicator {excerpt(str(indicator))} is not known: showing "
                        f"{reg.indicator(fallback).label} instead.", exc)
    if level in spec.levels:
        return OK
    reason = (spec.note_for(level) or f"it is published for {', '.join(spec.levels)} only").rstrip(".")
    return _invalid("indicator", fallback, f"{spec.label} is not available for {_level_label(level)} ({reason}): "
                    f"showing {reg.indicator(fallback).label} instead.",
                    UnknownNameError(f"{spec.label} ({indicator}) is not available at level {level!r}: {reason}."))


def _scheme_rule(view: View, offered: Collection[str]) -> Outcome:
    """A known scheme the indicator has (national deciles only where published); ``None`` spelled out."""
    scheme, spec = view.scheme, view.spec
    if scheme is None:
        return Outcome({"scheme": view.scheme_name})
    try:
        scheme_spec(scheme if isinstance(scheme, str) else repr(scheme))
    except UnknownNameError as exc:
        return _invalid("scheme", "quantiles", f"The link's classification {excerpt(str(scheme))} is not known: using "
                        "quantiles.", exc)
    if scheme in available_schemes(spec):
        return OK
    return _invalid("scheme", "quantiles", f"{spec.label} has no official national deciles: using quantiles.",
                    UnknownNameError(f"{spec.label} has no official national deciles: use --scheme "
                                     f"{' or '.join(available_schemes(spec))}."))


def _k_rule(view: View, offered: Collection[str]) -> Outcome:
    k = view.k
    if isinstance(k, int) and not isinstance(k, bool) and K_MIN <= k <= K_MAX:
        return OK
    return _invalid("k", DEFAULT.k, f"The number of classes must be between {K_MIN} and {K_MAX}: using {DEFAULT.k}.",
                    ParameterError(f"Number of classes is {k!r}: choose a whole number from {K_MIN} to {K_MAX}."))


def _breaks_from_rule(view: View, offered: Collection[str]) -> Outcome:
    breaks_from = view.breaks_from
    if isinstance(breaks_from, str) and breaks_from in BREAKS_FROM:
        return OK
    return _invalid("breaks_from", DEFAULT.breaks_from, f"The link's class breaks {excerpt(str(breaks_from))} are not "
                    f"known: classes are {BREAKS_FROM[DEFAULT.breaks_from]}.",
                    UnknownNameError(f"Unknown source of class breaks {breaks_from!r}: use one of "
                                     f"{', '.join(BREAKS_FROM)}."))


def _palette_rule(view: View, offered: Collection[str]) -> Outcome:
    """A palette name, or the indicator's own."""
    palette = view.palette
    try:
        resolve(palette if isinstance(palette, str) else repr(palette), view.spec.palette)
    except UnknownNameError as exc:
        return _invalid("palette", DEFAULT_PALETTE, f"The link's palette {excerpt(str(palette))} is not known: using "
                        "the indicator's own palette.", exc)
    return OK


def _basemap_rule(view: View, offered: Collection[str]) -> Outcome:
    basemap = view.basemap
    if isinstance(basemap, str) and basemap in BASEMAPS:
        return OK
    return _invalid("basemap", DEFAULT.basemap, f"The link's basemap {excerpt(str(basemap))} is not known: using "
                    f"{BASEMAPS[DEFAULT.basemap].label}.",
                    UnknownNameError(f"Unknown basemap {basemap!r}: use one of {', '.join(BASEMAPS)}."))


def _area_rule(view: View, offered: Collection[str]) -> Outcome:
    """No area, or one of the level's areas in the region (``""`` means none)."""
    area = view.area or None
    if area is None or (isinstance(area, str) and area in area_codes(view.level, view.region)):
        return OK if area == view.area else Outcome({"area": None})
    name = region_name(view.region)
    return _invalid("area", None, f"The selected area {excerpt(str(area))} is not one of the "
                    f"{_level_label(view.level)} of {name}, so no area profile is open.",
                    UnknownNameError(f"Area {area!r} is not one of the {_level_label(view.level)} of {name}: choose "
                                     "one of them, or none."))


def _overlays_rule(view: View, offered: Collection[str]) -> Outcome:
    """Overlays on offer, once each, in the order asked for."""
    kept: list[str] = []
    unknown: list[Any] = []
    for overlay in view.overlays:
        if isinstance(overlay, str) and overlay in offered:
            if overlay not in kept:
                kept.append(overlay)
        else:
            unknown.append(overlay)
    if tuple(kept) == view.overlays:
        return OK
    return Outcome({"overlays": tuple(kept)},
                   tuple(f"The link's overlay {excerpt(str(o))} is not available and was left out." for o in unknown),
                   UnknownNameError(f"Unknown overlay(s) {', '.join(map(repr, unknown))}: use {', '.join(offered)} "
                                    "(declared in layers/overlays.toml).") if unknown else None)


def _statuses_rule(view: View, offered: Collection[str]) -> Outcome:
    """Known status categories once, in declared order; ``None`` (all) when every category is chosen."""
    statuses = view.statuses
    if statuses is None:
        return OK
    order = status_order()
    chosen = {s for s in statuses if isinstance(s, str) and s in order}
    wrong = [s for s in statuses if not (isinstance(s, str) and s in order)]
    notices = [f"The link's overlay status {excerpt(str(s))} is not known and was left out (use {', '.join(order)})."
               for s in wrong]
    if not chosen and statuses:
        notices.append("No known overlay status was left in the link: showing every status.")
        value = None
    else:
        value = None if chosen == set(order) else tuple(s for s in order if s in chosen)
    error = (UnknownNameError(f"Unknown overlay status(es) {', '.join(map(repr, wrong))}: use {', '.join(order)} "
                              "(declared in layers/overlays.toml).") if wrong else None)
    return OK if value == statuses else Outcome({"statuses": value}, tuple(notices), error)


def _postcode_rule(view: View, offered: Collection[str]) -> Outcome:
    """A live English postcode inside the region, written in its ONS form; ``""`` means none."""
    postcode = view.postcode or None
    if postcode is None:
        return OK if view.postcode is None else Outcome({"postcode": None})
    problem = postcode_problem(str(postcode), view.region)
    if problem:
        return _invalid("postcode", None, f"The postcode {excerpt(str(postcode))} is not marked: {problem}.",
                        UnknownNameError(f"Postcode {postcode!r}: {problem}."))
    return OK if formatted(str(postcode)) == postcode else Outcome({"postcode": formatted(str(postcode))})


def _compare_areas_rule(view: View, offered: Collection[str]) -> Outcome:
    """Known areas of the level in England (wards, districts or combined authorities), once each, at most
    :data:`MAX_COMPARE`."""
    codes, level = view.compare_areas, view.level
    if not codes:
        return OK if codes == () else Outcome({"compare_areas": ()})
    plural = _level_label(level)
    if level not in COMPARE_LEVELS:
        return _invalid("compare_areas", (), f"Areas are compared as wards, districts or combined authorities, not "
                        f"{plural}: the compare list was left out.",
                        ParameterError(f"Areas are compared as wards, districts or combined authorities, not "
                                       f"{plural}."))
    known = area_codes(level, ENGLAND)
    kept: list[str] = []
    unknown: list[Any] = []
    for code in codes:
        if not isinstance(code, str) or code not in known:
            if code not in unknown:  # twenty copies of one bad code: one mention
                unknown.append(code)
        elif code not in kept:
            kept.append(code)
    notices, error = [], None
    if unknown:
        excerpt_codes = [excerpt(str(c), 12) for c in unknown]
        notices.append(f"Not {plural} of England, so left out of the comparison: {', '.join(excerpt_codes[:5])}"
                       + (f" and {len(unknown) - 5} more." if len(unknown) > 5 else "."))
        error = UnknownNameError(f"Compare area(s) {', '.join(map(repr, unknown[:5]))} are not {plural} of England.")
    if len(kept) > MAX_COMPARE:
        notices.append(f"At most {MAX_COMPARE} areas can be compared: the first {MAX_COMPARE} were kept and "
                       f"{len(kept) - MAX_COMPARE} left out.")
        error = error or ParameterError(f"Compare at most {MAX_COMPARE} areas ({len(kept)} given).")
        kept = kept[:MAX_COMPARE]
    return OK if tuple(kept) == codes else Outcome({"compare_areas": tuple(kept)}, tuple(notices), error)


def _as_of_rule(view: View, offered: Collection[str]) -> Outcome:
    """A date from 1990 to ten years ahead, written YYYY-MM-DD; ``""`` means today."""
    as_of = view.as_of or None
    if as_of is None:
        return OK if view.as_of is None else Outcome({"as_of": None})
    try:
        text = check_as_of(as_of).isoformat()
    except ParameterError as exc:
        return _invalid("as_of", None, f"The link's as-of date {excerpt(str(as_of))} is not a date written YYYY-MM-DD "
                        "between 1990 and ten years ahead: the overlays are shown as of today.", exc)
    return OK if text == as_of else Outcome({"as_of": text})


def _centre_rule(view: View, offered: Collection[str]) -> Outcome:
    centre = view.centre
    if isinstance(centre, str) and centre in CENTRES:
        return OK
    return _invalid("centre", DEFAULT.centre, f"The link's centre {excerpt(str(centre))} is not known: change maps are "
                    f"centred on {CENTRES[DEFAULT.centre]}.",
                    UnknownNameError(f"Unknown centre {centre!r}: use one of {', '.join(CENTRES)}."))


def _versus_rule(view: View, offered: Collection[str]) -> Outcome:
    """A second measure published at the level, not the first measure itself; its year or change as the first's
    (:func:`_time_rule`); a period with no second measure is dropped."""
    none = {"versus": None, "versus_year": None, "versus_change": None}
    if view.versus is None:
        if view.versus_year is None and view.versus_change is None:
            return OK
        return Outcome(none, (), ParameterError("A year or change of a second measure needs the second measure "
                                                "(--versus)."))
    reg = registry()
    if not isinstance(view.versus, str) or view.versus not in reg.indicators:
        return Outcome(none, (f"The link's second measure {excerpt(str(view.versus))} is not a known indicator: "
                              "showing one measure.",),
                       UnknownNameError(f"Unknown indicator {view.versus!r} for --versus: use an indicator id "
                                        "(`python -m mapkit indicators`)."))
    try:
        spec = reg.indicator(view.versus)
        if view.level not in spec.levels:
            reason = (spec.note_for(view.level) or f"it is published for {', '.join(spec.levels)} only").rstrip(".")
            raise UnknownNameError(f"{spec.label} ({view.versus}) is not available at level {view.level!r}: "
                                   f"{reason}.")
        if (view.versus, view.versus_year, view.versus_change) == (view.indicator, view.year, view.change):
            raise ParameterError(f"Choose a second measure other than {spec.label} itself.")
    except (UnknownNameError, ParameterError) as exc:
        return Outcome(none, (f"The second measure cannot be shown: {exc} Showing one measure.",), exc)
    period = _time_rule(dataclasses.replace(view, indicator=view.versus, year=view.versus_year,
                                            change=view.versus_change), offered)
    if period is OK:
        return OK
    values = {f"versus_{key}": value for key, value in period.values.items()}
    notices = tuple(f"Second measure: {notice}" for notice in period.notices)
    return Outcome(values, notices, period.error)


def _time_rule(view: View, offered: Collection[str]) -> Outcome:
    """A year or a change (not both: the change is kept) of a time series published at the view's level, for
    districts and combined authorities; neither means the indicator's own figures."""
    if not view.over_time:
        return OK
    values: dict[str, Any] = {}
    notices: list[str] = []
    error: Exception | None = None
    year, change = view.year, view.change
    if year is not None and change is not None:
        values["year"], year = None, None
        notices.append("The link asks for a year and a change: showing the change.")
        error = ParameterError("Choose a year or a change between two years, not both.")
    try:
        series = registry().series_at(view.indicator, view.level)
        if series is None:
            raise ParameterError(f"{view.spec.label} has no ONS time series at level {view.level!r}: years and "
                                 "changes are offered for districts and combined authorities, for indicators with a "
                                 "series.")
        known = years(series.id)
        for asked in [year] if year is not None else list(change_years(change)):
            if asked not in known:
                raise ParameterError(f"{series.label}: ONS publishes {known[0]} to {known[-1]}, not {asked!r}.")
    except (ParameterError, UnknownNameError, TypeError) as exc:
        values = {"year": None, "change": None}
        notices.append(f"{exc} Showing the latest figures instead.")
        error = error or (exc if isinstance(exc, MapkitError) else ParameterError(f"Year or change: {exc}."))
    return Outcome(values, tuple(notices), error) if values else OK


def _similar_rule(view: View, offered: Collection[str]) -> Outcome:
    """Similar areas outlined only around an open area of a level that has them; closing the area (no area) closes
    them without a notice."""
    similar = view.similar
    if similar is False:
        return OK
    if similar is not True:
        return _invalid("similar", False, f"The link's similar {excerpt(str(similar))} is not 1 or 0: no similar areas "
                        "are outlined.", ParameterError(f"Similar is {similar!r}: use True or False."))
    if view.area is None:
        return Outcome({"similar": False}, (), ParameterError(
            "Similar areas are outlined around an open area (--area): choose one, or no similar areas."))
    if view.level not in SIMILAR_LEVELS:
        return _invalid("similar", False, f"Similar areas are found for wards, districts and combined authorities, "
                        f"not {_level_label(view.level)}: none are outlined.",
                        ParameterError(f"Similar areas are outlined around an open area of wards, districts or "
                                       f"combined authorities, not at level {view.level!r}."))
    return OK


def place_problem(place: str, overlays: Collection[str]) -> str | None:
    """Why ``place`` (``overlay_id:feature_id``) cannot be opened with these overlays on, or ``None``."""
    overlay_id, _, feature_id = place.partition(":") if isinstance(place, str) else ("", "", "")
    if not feature_id:
        return "write it as overlay:feature"
    if overlay_id not in overlays:
        return f"its overlay group {excerpt(overlay_id, 30)} is not turned on"
    if feature_id not in feature_ids(overlay_id):
        return f"{excerpt(feature_id, 30)} is not a mapped feature of that group"
    return None


def _place_rule(view: View, offered: Collection[str]) -> Outcome:
    """An overlay feature of a group that is on (the overlays rule comes first); ``""`` means none."""
    place = view.place or None
    if place is None:
        return OK if view.place is None else Outcome({"place": None})
    problem = place_problem(place, view.overlays)
    if problem is None:
        return OK
    return _invalid("place", None, f"The link's place {excerpt(str(place))} is not shown: {problem}.",
                    UnknownNameError(f"Place {place!r}: {problem}."))


def _layout_rule(view: View, offered: Collection[str]) -> Outcome:
    """The map, or the hex map where the level has a layout in the region (:func:`mapkit.data.hexes.hex_problem`)."""
    layout = view.layout
    if not (isinstance(layout, str) and layout in LAYOUTS):
        return _invalid("layout", DEFAULT_LAYOUT, f"The link's layout {excerpt(str(layout))} is not known: showing the "
                        "map.", UnknownNameError(f"Unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}."))
    problem = hex_problem(view.level, view.region) if layout == "hex" else None
    if problem:
        return _invalid("layout", DEFAULT_LAYOUT, f"{problem} Showing the map instead.", ParameterError(problem))
    return OK
@lru_cache(maxsize=32)
def _own_area(token: str, name: str | None) -> OwnArea:
    """The own area of a link token (:mod:`mapkit.data.area_link`), or of codes written out (``E05...,E05...``)."""
    if "," in token or token[:3] in ("E05", "E01"):
        return own_areas.from_codes(token, name=name, drop_unknown=True)
    return own_areas.from_token(token, name=name)


def _own_rule(view: View, offered: Collection[str]) -> Outcome:
    """The user's own area: a token that reads (unknown codes left out, with a notice), written in its one form
    (codes written out become a token); its name plain text. One that cannot be read is left out."""
    if not view.own:
        return OK if (view.own, view.own_name) == (None, None) else Outcome({"own": None, "own_name": None})
    try:
        area = _own_area(str(view.own), None)
    except MapkitError as exc:
        return Outcome({"own": None, "own_name": None},
                       (f"Your own area in the link ({excerpt(str(view.own), 20)}) could not be read, so it was left "
                        "out: copy the link again, or give ward or LSOA codes separated by commas.",), exc)
    values: dict[str, Any] = {}
    if area.link[0] != view.own:
        values["own"] = area.link[0]
    name = own_areas.clean_name(view.own_name) if view.own_name else None
    if name != view.own_name:
        values["own_name"] = name
    return Outcome(values, area.notes) if values or area.notes else OK


Rule = Callable[[View, Collection[str]], Outcome]
RULES: tuple[Rule, ...] = (
    _region_rule, _level_rule, _indicator_rule, _scheme_rule, _k_rule, _breaks_from_rule, _palette_rule, _basemap_rule,
    _area_rule, _similar_rule, _overlays_rule, _place_rule, _statuses_rule, _postcode_rule, _compare_areas_rule,
    _as_of_rule, _centre_rule, _time_rule, _versus_rule, _own_rule, _layout_rule,
)
"""Every setting's rule, in dependency order (region, then the level that fits in it, then an indicator published
at that level, then its scheme, then the rest): each reads the view as corrected by the rules before it. A rule gets
the view and the overlays on offer and says, once, what is wrong (the strict error and the lenient notice) and what
replaces it. :meth:`View.check` raises the first rule's error; :meth:`View.lenient` applies every rule's values."""
