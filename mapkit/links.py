"""A :class:`mapkit.view.View` and its shareable link: URL query parameters, both ways.

A link is untrusted input: :func:`parse_query` reads every parameter as text (a repeated parameter's last value),
reports unknown, non-text and over-long ones, and hands the rest to :meth:`mapkit.view.View.lenient`, which falls
back to the default for anything invalid and says so in a plain-text notice.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from mapkit.data.area_link import MAX_TOKEN_CHARS
from mapkit.view import DEFAULT, View, excerpt

QUERY_KEYS: tuple[str, ...] = ("region", "level", "indicator", "scheme", "k", "breaks", "palette", "basemap",
                               "versus", "versus_year", "versus_change",
                               "area", "overlays", "statuses", "pc", "year", "change", "centre", "compare_areas",
                               "asof", "similar", "place", "own", "own_name", "layout")
RESERVED_KEYS = frozenset({"embed", "embed_options"})
"""Parameters that belong to Streamlit itself and are left alone."""
OLD_KEYS = {"compare": "breaks"}
"""Parameters of older links, read as their new names (``compare=england`` was ``View.breaks_from``'s first name)."""

MAX_PARAM_LENGTH = 200
PARAM_LENGTHS = {"own": MAX_TOKEN_CHARS}
"""Longer limits for the parameters that need them: an own area's codes or outline (:mod:`mapkit.data.area_link`)."""
MAX_NOTICES = 8
ALL_STATUSES, NO_STATUSES = "all", "none"
"""``statuses`` values in a link for every overlay status and for none; otherwise a comma-separated list such as
``open,under_construction`` (underscores stand for spaces)."""


def status_token(category: str) -> str:
    """How a status category is written in a link: ``under construction`` -> ``under_construction``."""
    return category.replace(" ", "_")


def _single(value: object) -> str | None:
    """A parameter's text (a repeated parameter's last value), or None when it is not text."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return value if isinstance(value, str) else None


def _capped(notices: list[str]) -> list[str]:
    """Each notice once (twenty copies of one bad value give one notice), at most :data:`MAX_NOTICES`, the last
    saying how many more there were."""
    notices = list(dict.fromkeys(notices))
    if len(notices) <= MAX_NOTICES:
        return notices
    more = len(notices) - MAX_NOTICES + 1
    return [*notices[:MAX_NOTICES - 1], f"The link has {more} more problems, not listed here."]


def parse_query(params: Mapping[str, str | Sequence[str]], *,
                overlay_ids: Collection[str] | None = None) -> tuple[View, list[str]]:
    """The view a link asks for, and plain-text notices for every part that had to fall back to a default.

    Parameters
    ----------
    params
        Query parameters (``st.query_params.to_dict()``); a repeated parameter's last value counts.
    overlay_ids
        Overlay ids on offer; ``None`` means every declared overlay.
    """
    notices: list[str] = []
    values: dict[str, str] = {}
    unknown = []
    for key, raw in params.items():
        if key in RESERVED_KEYS:
            continue
        if key in OLD_KEYS:
            if OLD_KEYS[key] in params:
                continue  # the new name wins
            key = OLD_KEYS[key]
        if key not in QUERY_KEYS:
            unknown.append(str(key))
            continue
        value = _single(raw)
        if value is None:
            notices.append(f"The link's {key} value is not text and was ignored.")
            continue
        value = value.strip()
        if len(value) > PARAM_LENGTHS.get(key, MAX_PARAM_LENGTH):
            notices.append(f"The link's {key} value is too long to be valid and was ignored.")
            continue
        values[key] = value
    if unknown:
        notices.append("The link has parameters this map does not use, which were ignored: "
                       + ", ".join(excerpt(key, 20) for key in sorted(unknown)[:5]) + ".")
    k: object = DEFAULT.k
    if "k" in values:
        k = int(values["k"]) if re.fullmatch(r"\d{1,2}", values["k"]) else None  # malformed: lenient() reports it
    overlays = tuple(o.strip() for o in (values.get("overlays") or "").split(",") if o.strip())
    compare_areas = tuple(c.strip() for c in (values.get("compare_areas") or "").split(",") if c.strip())
    statuses: tuple[str, ...] | None = None
    status_text = (values.get("statuses") or ALL_STATUSES).lower()
    if status_text == NO_STATUSES:
        statuses = ()
    elif status_text != ALL_STATUSES:
        statuses = tuple(" ".join(t.replace("_", " ").split()) for t in status_text.split(",") if t.strip()) or None
    similar = values.get("similar") == "1"
    if values.get("similar") not in (None, "", "0", "1"):
        notices.append(f"The link's similar {excerpt(values['similar'])} is not 1 or 0: no similar areas are outlined.")
    time = _time_fields(values, notices)
    versus = _versus_fields(values, notices)
    fields = {key: values[key] for key in ("region", "level", "indicator", "scheme", "palette", "basemap", "area",
                                           "layout")
              if values.get(key)}
    if values.get("breaks"):
        fields["breaks_from"] = values["breaks"]
    view, more = View.lenient(overlay_ids=overlay_ids, k=k, overlays=overlays, statuses=statuses,
                              postcode=values.get("pc") or None, compare_areas=compare_areas,
                              as_of=values.get("asof") or None, similar=similar, place=values.get("place") or None,
                              own=values.get("own") or None, own_name=values.get("own_name") or None,
                              **time, **versus, **fields)
    return view, _capped(notices + more)


def _time_fields(values: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    """``year=2013``, ``change=2013:2023`` and ``centre=england`` as View fields; malformed ones are reported."""
    fields: dict[str, object] = {}
    if values.get("year"):
        if re.fullmatch(r"\d{4}", values["year"]):
            fields["year"] = int(values["year"])
        else:
            notices.append(f"The link's year {excerpt(values['year'])} is not a year: showing the latest figures.")
    if values.get("change"):
        match = re.fullmatch(r"(\d{4})[:-](\d{4})", values["change"])
        if match:
            fields["change"] = (int(match[1]), int(match[2]))
        else:
            notices.append(f"The link's change {excerpt(values['change'])} is not of the form 2013:2023: showing the "
                           "latest figures.")
    if values.get("centre"):
        fields["centre"] = values["centre"]
    return fields


def _versus_fields(values: Mapping[str, str], notices: list[str]) -> dict[str, object]:
    """``versus=gva_per_hour`` with ``versus_change=2013:2023`` or ``versus_year=2019`` as View fields; a malformed
    period is reported and left out (the second measure then shows its own figures)."""
    if not values.get("versus"):
        return {}
    fields: dict[str, object] = {"versus": values["versus"]}
    if values.get("versus_year"):
        if re.fullmatch(r"\d{4}", values["versus_year"]):
            fields["versus_year"] = int(values["versus_year"])
        else:
            notices.append(f"The link's versus_year {excerpt(values['versus_year'])} is not a year: the second "
                           "measure shows its latest figures.")
    if values.get("versus_change"):
        match = re.fullmatch(r"(\d{4})[:-](\d{4})", values["versus_change"])
        if match:
            fields["versus_change"] = (int(match[1]), int(match[2]))
        else:
            notices.append(f"The link's versus_change {excerpt(values['versus_change'])} is not of the form "
                           "2013:2023: the second measure shows its latest figures.")
    return fields


def to_query(view: View) -> dict[str, str]:
    """Query parameters that reopen ``view`` (every setting, so a link keeps its meaning if defaults change)."""
    query = {
        "region": view.region,
        "level": view.level,
        "indicator": view.indicator,
        "scheme": view.scheme_name,
        "k": str(view.k),
        "breaks": view.breaks_from,
        "palette": view.palette,
        "basemap": view.basemap,
    }
    if view.year is not None:
        query["year"] = str(view.year)
    if view.change is not None:
        query["change"] = f"{view.change[0]}:{view.change[1]}"
        query["centre"] = view.centre
    if view.area:
        query["area"] = view.area
    if view.overlays:
        query["overlays"] = ",".join(view.overlays)
    if view.overlays or view.statuses is not None:  # a status choice is kept even with no overlay on
        if view.statuses is None:
            query["statuses"] = ALL_STATUSES
        else:
            query["statuses"] = ",".join(status_token(s) for s in view.statuses) or NO_STATUSES
    if view.postcode:
        query["pc"] = view.postcode
    if view.compare_areas:
        query["compare_areas"] = ",".join(view.compare_areas)
    if view.as_of:
        query["asof"] = view.as_of
    if view.similar:
        query["similar"] = "1"
    if view.place:
        query["place"] = view.place
    if view.own:
        query["own"] = view.own
        if view.own_name:
            query["own_name"] = view.own_name
    if view.versus:
        query["versus"] = view.versus
        if view.versus_year is not None:
            query["versus_year"] = str(view.versus_year)
        if view.versus_change is not None:
            query["versus_change"] = f"{view.versus_change[0]}:{view.versus_change[1]}"
    if view.layout != DEFAULT.layout:  # links to the map keep their earlier form
        query["layout"] = view.layout
    return query
