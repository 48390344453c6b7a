"""The view a user is looking at, and its round trip through URL query parameters (shareable links).

A link is untrusted input: :func:`parse_query` checks every parameter against the registries and the data, falls
back to the default for anything unknown or malformed, and says so in a plain-text notice. A notice quotes at
most a short, character-filtered excerpt of the offending value (never raw text that could be rendered as
markup). Combinations are checked in dependency order: region, level (which levels fit in the region),
indicator (published at that level?), scheme (national deciles only where published), then the rest.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Collection, Mapping, Sequence

from mapkit.choropleth import BASEMAPS
from mapkit.classify import COMPARES, K_MAX, K_MIN, SCHEMES, available_schemes
from mapkit.data import ENGLAND, load_boundaries, regions
from mapkit.layers import overlay_declarations, registry
from mapkit.palettes import DEFAULT as DEFAULT_PALETTE
from mapkit.palettes import PALETTES

WMCA = "E47000007"

LEVELS_IN: dict[str, tuple[str, ...]] = {
    "england": ("ca", "lad", "ward"),
    "ca": ("ca", "lad", "ward", "lsoa"),
    "lad": ("lad", "ward", "lsoa"),
}
"""Levels offered for each kind of region: those whose areas lie inside it. LSOAs (33,755 in England) are
offered for a combined authority or a district, where they draw in well under a second."""

QUERY_KEYS: tuple[str, ...] = ("region", "level", "indicator", "scheme", "k", "compare", "palette", "basemap",
                               "area", "overlays", "statuses")
RESERVED_KEYS = frozenset({"embed", "embed_options"})
"""Parameters that belong to Streamlit itself and are left alone."""

MAX_PARAM_LENGTH = 200
MAX_NOTICES = 8
ALL_STATUSES, NO_STATUSES = "all", "none"
"""``statuses`` values in a link for every overlay status and for none; otherwise a comma-separated list such as
``open,under_construction`` (underscores stand for spaces)."""


@dataclasses.dataclass(frozen=True)
class ViewState:
    """Everything that defines a view; the defaults are the app's opening view (West Midlands wards, IMD)."""

    region: str = WMCA
    level: str = "ward"
    indicator: str = "imd_score"
    scheme: str = "national_deciles"
    k: int = 5
    compare: str = "england"
    palette: str = DEFAULT_PALETTE
    basemap: str = "light"
    area: str | None = None
    overlays: tuple[str, ...] = ()
    statuses: tuple[str, ...] | None = None
    """Overlay status categories drawn (``layers/overlays.toml``, in declared order); ``None`` means all of them."""


DEFAULT = ViewState()


def status_order() -> tuple[str, ...]:
    """Every overlay status category, in the declared order (open first, "status unclear" last)."""
    return overlay_declarations().status.order


def status_token(category: str) -> str:
    """How a status category is written in a link: ``under construction`` -> ``under_construction``."""
    return category.replace(" ", "_")


def shown(value: str, limit: int = 40) -> str:
    """A short excerpt of untrusted text that is safe to show anywhere: only letters, digits and ``_ .,:;()+-``
    survive, other characters become ``?``, and the result is quoted in backticks."""
    cleaned = re.sub(r"[^A-Za-z0-9 _.,:;()+\-]", "?", value)
    if len(cleaned) > limit:
        cleaned = cleaned[:limit] + "..."
    return f"`{cleaned}`"


def region_kind(code: str) -> str | None:
    table = regions()
    match = table.loc[table["code"] == code, "kind"]
    return None if match.empty else str(match.iloc[0])


def levels_for(region: str) -> tuple[str, ...]:
    """Levels offered in a region (see :data:`LEVELS_IN`)."""
    return LEVELS_IN.get(region_kind(region) or "england", LEVELS_IN["england"])


def indicators_for(level: str) -> list[str]:
    """Indicator ids published at ``level``, in declaration order."""
    return [i for i, spec in registry().indicators.items() if level in spec.levels]


def default_indicator(level: str) -> str:
    available = indicators_for(level)
    return DEFAULT.indicator if DEFAULT.indicator in available else available[0]


def _single(value: object) -> str | None:
    """A parameter's text (a repeated parameter's last value), or None when it is not text."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return value if isinstance(value, str) else None


def _capped(notices: list[str]) -> list[str]:
    """At most :data:`MAX_NOTICES` notices, the last saying how many more there were."""
    if len(notices) <= MAX_NOTICES:
        return notices
    more = len(notices) - MAX_NOTICES + 1
    return [*notices[:MAX_NOTICES - 1], f"The link has {more} more problems, not listed here."]


def _level_label(level: str) -> str:
    return registry().boundary(level).plural


def normalise(candidate: ViewState, *, overlay_ids: Collection[str] = ()) -> tuple[ViewState, list[str]]:
    """Make a view consistent, replacing each invalid part with its default and explaining why.

    Parameters
    ----------
    candidate
        A view whose fields may be unknown, malformed or not fit together.
    overlay_ids
        Overlay ids the app offers; others are dropped.

    Returns
    -------
    tuple
        The valid view and a list of plain-text notices (empty when nothing changed).
    """
    notices: list[str] = []
    reg = registry()
    region = candidate.region
    names = dict(zip(regions()["code"], regions()["name"]))
    if region not in names:
        notices.append(f"The link's region {shown(region)} is not a known area code, so the map shows "
                       f"{names[DEFAULT.region]} instead.")
        region = DEFAULT.region
    offered = levels_for(region)
    level = candidate.level
    if level not in offered:
        fallback = DEFAULT.level if DEFAULT.level in offered else offered[0]
        if level in reg.boundaries:
            why = ("LSOAs are offered for a combined authority or a district, not all of England"
                   if level == "lsoa" else f"{_level_label(level)} do not fit inside {names[region]}")
            notices.append(f"{why[0].upper()}{why[1:]}: showing {_level_label(fallback)} instead.")
        else:
            notices.append(f"The link's level {shown(level)} is not one of {', '.join(offered)}: showing "
                           f"{_level_label(fallback)} instead.")
        level = fallback
    indicator = candidate.indicator
    if indicator not in reg.indicators:
        notices.append(f"The link's indicator {shown(indicator)} is not known: showing "
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
    if scheme not in SCHEMES:
        notices.append(f"The link's classification {shown(scheme)} is not known: using quantiles.")
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
        notices.append(f"The link's palette {shown(palette)} is not known: using the indicator's own palette.")
        palette = DEFAULT_PALETTE
    basemap = candidate.basemap
    if basemap not in BASEMAPS:
        notices.append(f"The link's basemap {shown(basemap)} is not known: using {BASEMAPS[DEFAULT.basemap].label}.")
        basemap = DEFAULT.basemap
    area = candidate.area or None
    if area is not None and area not in set(load_boundaries(level, region)["code"]):
        notices.append(f"The selected area {shown(area)} is not one of the {_level_label(level)} of "
                       f"{names[region]}, so no area profile is open.")
        area = None
    overlays: list[str] = []
    for overlay in candidate.overlays:
        if overlay in overlay_ids:
            if overlay not in overlays:
                overlays.append(overlay)
        else:
            notices.append(f"The link's overlay {shown(overlay)} is not available and was left out.")
    statuses = _normalise_statuses(candidate.statuses, notices)
    view = ViewState(region=region, level=level, indicator=indicator, scheme=scheme, k=k, compare=compare,
                     palette=palette, basemap=basemap, area=area, overlays=tuple(overlays), statuses=statuses)
    return view, notices


def _normalise_statuses(statuses: Sequence[str] | None, notices: list[str]) -> tuple[str, ...] | None:
    """Known categories once, in declared order; ``None`` (all) when every category is chosen."""
    if statuses is None:
        return None
    order = status_order()
    chosen = set()
    for status in statuses:
        if status in order:
            chosen.add(status)
        else:
            notices.append(f"The link's overlay status {shown(status_token(str(status)))} is not known and was left "
                           f"out (use {', '.join(status_token(s) for s in order)}, {ALL_STATUSES} or "
                           f"{NO_STATUSES}).")
    if not chosen and statuses:
        notices.append("No known overlay status was left in the link: showing every status.")
        return None
    if chosen == set(order):
        return None
    return tuple(s for s in order if s in chosen)


def parse_query(params: Mapping[str, str | Sequence[str]], *,
                overlay_ids: Collection[str] = ()) -> tuple[ViewState, list[str]]:
    """The view a link asks for, and plain-text notices for every part that had to fall back to a default.

    Parameters
    ----------
    params
        Query parameters (``st.query_params.to_dict()``); a repeated parameter's last value counts.
    overlay_ids
        Overlay ids the app offers.
    """
    notices: list[str] = []
    values: dict[str, str] = {}
    unknown = []
    for key, raw in params.items():
        if key in RESERVED_KEYS:
            continue
        if key not in QUERY_KEYS:
            unknown.append(str(key))
            continue
        value = _single(raw)
        if value is None:
            notices.append(f"The link's {key} value is not text and was ignored.")
            continue
        value = value.strip()
        if len(value) > MAX_PARAM_LENGTH:
            notices.append(f"The link's {key} value is too long to be valid and was ignored.")
            continue
        values[key] = value
    if unknown:
        notices.append("The link has parameters this map does not use, which were ignored: "
                       + ", ".join(shown(key, 20) for key in sorted(unknown)[:5]) + ".")
    k: object = DEFAULT.k
    if "k" in values:
        if re.fullmatch(r"\d{1,2}", values["k"]):
            k = int(values["k"])
        else:
            k = None  # malformed: normalise() reports it
    overlays = tuple(o for o in (values.get("overlays") or "").split(",") if o.strip())
    statuses: tuple[str, ...] | None = None
    status_text = (values.get("statuses") or ALL_STATUSES).lower()
    if status_text == NO_STATUSES:
        statuses = ()
    elif status_text != ALL_STATUSES:
        statuses = tuple(" ".join(t.replace("_", " ").split()) for t in status_text.split(",") if t.strip()) or None
    candidate = ViewState(
        region=values.get("region") or DEFAULT.region,
        level=values.get("level") or DEFAULT.level,
        indicator=values.get("indicator") or DEFAULT.indicator,
        scheme=values.get("scheme") or DEFAULT.scheme,
        k=k,  # type: ignore[arg-type]
        compare=values.get("compare") or DEFAULT.compare,
        palette=values.get("palette") or DEFAULT.palette,
        basemap=values.get("basemap") or DEFAULT.basemap,
        area=values.get("area") or None,
        overlays=tuple(o.strip() for o in overlays),
        statuses=statuses,
    )
    view, more = normalise(candidate, overlay_ids=overlay_ids)
    return view, _capped(notices + more)


def to_query(view: ViewState) -> dict[str, str]:
    """Query parameters that reopen ``view`` (every setting, so a link keeps its meaning if defaults change)."""
    query = {
        "region": view.region,
        "level": view.level,
        "indicator": view.indicator,
        "scheme": view.scheme,
        "k": str(view.k),
        "compare": view.compare,
        "palette": view.palette,
        "basemap": view.basemap,
    }
    if view.area:
        query["area"] = view.area
    if view.overlays:
        query["overlays"] = ",".join(view.overlays)
    if view.overlays or view.statuses is not None:  # a status choice is kept even with no overlay on
        if view.statuses is None:
            query["statuses"] = ALL_STATUSES
        else:
            query["statuses"] = ",".join(status_token(s) for s in view.statuses) or NO_STATUSES
    return query


def is_england(view: ViewState) -> bool:
    return view.region == ENGLAND
