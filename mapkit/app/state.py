"""The page's state: every ``st.session_state`` key declared once with its type, the one writer of the current
:class:`~mapkit.view.View`, and the one way to act once on a new event.

No other module of the page touches ``st.session_state``. Widgets keep their values under the keys of
:class:`Widget`; the page's own values are :class:`Slot` objects below. The current view is written only by
:func:`set_view`: from the widgets (each run), a link (the first run), a search, a click on the map or the table,
and the buttons that open or close a profile.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Hashable, Sequence
from typing import Any, Generic, TypeVar

import streamlit as st

from mapkit.specs.registry import overlay_specs
from mapkit.view import MAX_COMPARE, View, status_order

T = TypeVar("T")


class Slot(Generic[T]):
    """One session value the page keeps between runs (not a widget's)."""

    def __init__(self, key: str, doc: str) -> None:
        self.key = key
        self.__doc__ = doc

    def get(self, default: T | None = None) -> T | None:
        return st.session_state.get(self.key, default)

    def set(self, value: T) -> None:
        st.session_state[self.key] = value

    def setdefault(self, value: T) -> T:
        return st.session_state.setdefault(self.key, value)

    def pop(self, default: T | None = None) -> T | None:
        return st.session_state.pop(self.key, default)

    def present(self) -> bool:
        return self.key in st.session_state


VIEW: Slot[View] = Slot("view", "The current view (written only by set_view).")
NOTICES: Slot[list[str]] = Slot("notices", "Plain-text notices about the link the session opened with.")
USER_LAYER: Slot[Any] = Slot("user_layer", "The user's uploaded layer (mapkit.app.upload.UserLayer), this session.")
UPLOAD_NEARBY: Slot[dict] = Slot("upload_nearby", "Residents near features of the user's layer, by content hash.")
UPLOADS_READ: Slot[int] = Slot("uploads_read", "Files this session's uploader has read (at most "
                                               "mapkit.data.uploads.MAX_SESSION_FILES).")
PREPARED_EXPORT: Slot[Any] = Slot("export", "The last file made in the Export tab (mapkit.app.export_tab).")
COMPARE_PAGE: Slot[tuple] = Slot("compare_page_file", "The last comparison page made: (request, bytes).")
PAGE_DRAWN: Slot[bool] = Slot("page_drawn", "The whole page was sent once (the first run sends the map alone).")
REST_PENDING: Slot[bool] = Slot("rest_pending", "The first run's timer is waiting to ask for the whole page.")
FIRST_TAB: Slot[str | None] = Slot("first_tab", "The tab open at the session's start (Compare if the link has areas).")
SCHEME_CHOICE: Slot[str | None] = Slot("scheme_choice", "The classification the user chose (None: each indicator's "
                                      "own default), kept while indicators without it show another.")
REVEAL: Slot[bool] = Slot("reveal", "A search pick or a tap opened an area: on a phone, bring its profile into view.")
EVENTS: Slot[dict[str, Hashable]] = Slot("events", "The last token seen per event (see first_time).")
OWN_EXPORT: Slot[Any] = Slot("own_export", "The last file made of the user's own area: (request, bytes, name, mime).")
OWN_IN_COMPARE: Slot[bool] = Slot("own_in_compare", "The user's own area is a row of the Compare areas tab.")
OWN_PROBLEM: Slot[str | None] = Slot("own_problem", "Why the last drawing, pick, list or file made no own area.")
OWN_NOTES: Slot[list[str]] = Slot("own_notes", "What was done to the last own area made (repaired, simplified).")


class Widget:
    """Keys of the page's widgets (Streamlit keeps a widget's value under its key)."""

    REGION, LEVEL, INDICATOR, THEME = "w_region", "w_level", "w_indicator", "w_theme"
    SCHEME, K, BREAKS, PALETTE, BASEMAP = "w_scheme", "w_k", "w_breaks", "w_palette", "w_basemap"
    STATUSES, AS_OF_ON, AS_OF = "w_statuses", "w_as_of_on", "w_as_of"
    TIME_MODE, YEAR, CHANGE, CENTRE = "w_time_mode", "w_year", "w_change", "w_centre"
    FIND, UPLOAD, TAB, MAP = "w_find", "w_upload", "w_tab", "map"
    COMPARE_AREAS, COMPARE_THEME, COMPARE_FORMAT = "w_compare_areas", "w_compare_theme", "w_compare_fmt"
    SHOW_SIMILAR = "w_show_similar"
    TABLE_SEARCH, TABLE_ORDER, TABLE_PAGE, PLAIN_TABLE = "w_search", "w_table_order", "w_table_page", "w_plain_table"
    NEAR_PLACE, NEAR_KM = "w_near_place", "w_near_km"
    SCORECARD = "w_scorecard"
    EXPORT_FORMAT, EXPORT_LABELS = "w_export_format", "w_export_labels"
    OWN_MODE, OWN_NAME, OWN_CODES, OWN_FILE, OWN_FORMAT = "w_own_mode", "w_own_name", "w_own_codes", "w_own_file", \
        "w_own_format"
    VERSUS, VERSUS_MODE, VERSUS_YEAR, VERSUS_CHANGE = "w_versus", "w_versus_mode", "w_versus_year", "w_versus_change"
    SCATTER = "w_scatter"
    LAYOUT = "w_layout"

    @staticmethod
    def overlay(overlay_id: str) -> str:
        return f"w_overlay_{overlay_id}"

    @staticmethod
    def found(text: str) -> str:
        """The list of places a search found, one widget per query."""
        return f"w_found_{text.lower()}"


VIEW_WIDGETS = {
    "region": Widget.REGION, "level": Widget.LEVEL, "indicator": Widget.INDICATOR, "scheme": Widget.SCHEME,
    "k": Widget.K, "breaks_from": Widget.BREAKS, "palette": Widget.PALETTE, "basemap": Widget.BASEMAP,
    "layout": Widget.LAYOUT,
}
"""View fields set directly by one widget each."""


def widget(key: str, default: Any = None) -> Any:
    """A widget's current value (``default`` before it is first drawn)."""
    return st.session_state.get(key, default)


def set_widget(key: str, value: Any) -> None:
    """Set a widget's value before it is drawn in this run (or from its own callback)."""
    st.session_state[key] = value


def keep_option(key: str, options: Sequence[Any], fallback: Any) -> None:
    """Keep a widget's value among its options (options change with region, level and indicator)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback if fallback in options else options[0]


def current_view() -> View:
    """The view the page shows (set on the session's first run from its link)."""
    return VIEW.get()


def started() -> bool:
    """Whether this session has a view yet (its first run reads the link)."""
    return VIEW.present()


def set_view(view: View, *, widgets: bool = False) -> View:
    """Make ``view`` the current one: the one writer of the current view.

    ``widgets``: also set the widgets to it (before they are drawn in this run), for a view that did not come from
    them: a link, a search result, a postcode's LSOA.
    """
    VIEW.set(view)
    if widgets:
        seed_widgets(view)
    return view


def seed_widgets(view: View) -> None:
    """Every widget that shows a part of ``view``, set to it."""
    for field, key in VIEW_WIDGETS.items():
        st.session_state[key] = getattr(view, field)
    for overlay_id in overlay_specs():
        st.session_state[Widget.overlay(overlay_id)] = overlay_id in view.overlays
    st.session_state[Widget.STATUSES] = list(status_order() if view.statuses is None else view.statuses)
    st.session_state[Widget.AS_OF_ON] = view.as_of is not None
    st.session_state[Widget.AS_OF] = view.as_of_date or datetime.date.today()
    st.session_state[Widget.TIME_MODE] = "change" if view.change is not None else "year"
    if view.year is not None:
        st.session_state[Widget.YEAR] = view.year
    if view.change is not None:
        st.session_state[Widget.CHANGE] = tuple(view.change)
    st.session_state[Widget.CENTRE] = view.centre
    st.session_state[Widget.VERSUS] = view.versus or ""
    st.session_state[Widget.VERSUS_MODE] = ("change" if view.versus_change is not None else
                                            "year" if view.versus_year is not None else "latest")
    if view.versus_year is not None:
        st.session_state[Widget.VERSUS_YEAR] = view.versus_year
    if view.versus_change is not None:
        st.session_state[Widget.VERSUS_CHANGE] = tuple(view.versus_change)
    SCHEME_CHOICE.set(view.scheme if view.scheme != default_scheme(view.indicator) else None)


def default_scheme(indicator: str) -> str:
    """An indicator's own classification: national deciles where published, else quantiles."""
    return View(indicator=indicator).scheme_name


def scheme_for(indicator: str, offered: Sequence[str]) -> str:
    """The classification to show for ``indicator``: the user's choice where it is offered, else the indicator's own
    default (so a level or indicator without the chosen scheme does not change it for the next one)."""
    choice = SCHEME_CHOICE.get()
    return choice if choice in offered else default_scheme(indicator)


def remember_scheme() -> None:
    """The classification widget's callback: the user's choice outlives indicators that do not offer it."""
    SCHEME_CHOICE.set(st.session_state[Widget.SCHEME])


def ask_reveal() -> None:
    """A search pick or a tap on the map opened something: the next draw brings the profile into view on a phone
    (:func:`mapkit.app.share.reveal_profile_after_pick`)."""
    REVEAL.set(True)


def first_time(event: str, token: Hashable) -> bool:
    """True once for each new ``token`` of ``event`` (a query searched, an area clicked, a row picked), so that a
    widget still holding the same value on later runs does not act again."""
    seen = EVENTS.setdefault({})
    if seen.get(event) == token:
        return False
    seen[event] = token
    return True


def set_compare_list(codes: Sequence[str]) -> None:
    """The current view compares ``codes`` (at most :data:`~mapkit.view.MAX_COMPARE`, once each); a callback of
    the buttons and the picker that change the list. The list is held in one place, the view
    (:attr:`~mapkit.view.View.compare_areas`): the Compare tab's picker shows it, the link carries it."""
    view = current_view()
    set_view(dataclasses.replace(view, compare_areas=tuple(dict.fromkeys(codes))[:MAX_COMPARE]))


def outline_similar() -> None:
    """The "Outline them on the map" checkbox's callback: the view's :attr:`~mapkit.view.View.similar`."""
    set_view(dataclasses.replace(current_view(), similar=bool(st.session_state[Widget.SHOW_SIMILAR])))


def digest(token: Hashable) -> str:
    """A short stable name for ``token``, for widget keys that belong to one state of the page."""
    return hashlib.sha1(repr(token).encode()).hexdigest()[:12]
