"""The place the page is opened on (:attr:`mapkit.view.View.place`): a zone found by a search, shown beside the map
where an area's profile would be: its name and status, its wards in rank order with their figures, and a button
that closes it. The map is fitted to the place (:mod:`mapkit.app.map_panel`) and "Who lives near" opens on it
(:func:`open_place`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import streamlit as st

import mapkit
from mapkit.app import state
from mapkit.app.cached import overlay_frame, zone_wards
from mapkit.app.state import Widget
from mapkit.specs.registry import overlay_declarations, overlay_specs
from mapkit.text import wording
from mapkit.text.markup import markdown_text
from mapkit.text.ranks import RANK_ONE
from mapkit.text.wording import table_number_format
from mapkit.view import View

WARD_LEVEL_FALLBACK = "imd_score"


def place_row(view: View) -> dict[str, Any] | None:
    """The view's place as drawn on the map (its overlay's properties and geometry), or ``None``."""
    if not view.place:
        return None
    overlay_id, _, feature_id = view.place.partition(":")
    frame = overlay_frame(overlay_id, view.region, view.statuses, view.as_of)
    rows = frame[frame["id"] == feature_id]
    return None if rows.empty else rows.iloc[0].to_dict()


def open_place(view: View, tab: str) -> None:
    """A newly opened place is chosen in "Who lives near" and that tab (``tab``, its label) opened, once per place,
    so the user's own choices afterwards are kept."""
    if view.place and state.first_time("place", view.place):
        state.set_widget(Widget.NEAR_PLACE, view.place)
        state.set_widget(Widget.TAB, tab)


def ranked_indicator(view: View) -> str:
    """The indicator the zone's wards are ranked on: the map's where it is published for wards."""
    return view.indicator if "ward" in mapkit.registry().indicator(view.indicator).levels else WARD_LEVEL_FALLBACK


def show_place(view: View) -> bool:
    """The view's zone beside the map, when it has one and no area is open; ``True`` when drawn."""
    row = place_row(view)
    if view.area or row is None or row.get("zone") is not True:
        return False
    overlay_id = view.place.partition(":")[0]
    status = overlay_declarations().status.label(row["status_category"])
    st.header(str(row["name"]))
    codes = list(row.get("ward_codes") or [])
    st.caption(f"{overlay_specs()[overlay_id].label} · {status}"
               + (f" (recorded {row['status_date']})" if isinstance(row.get("status_date"), str) else "")
               + f" · {len(codes)} ward{'s' * (len(codes) != 1)}")
    show_zone_wards(view, codes)
    if row.get("ward_codes_approximate") is True:
        st.caption("The research's ward list only approximates this zone.")
    st.caption("Who lives here, by national deprivation decile: the **Who lives near** tab under the map.")
    if st.button("Close", key="close_place", help="Back to the whole region"):
        state.set_view(dataclasses.replace(view, place=None))
        st.rerun()
    return True


def show_zone_wards(view: View, codes: list[str]) -> None:
    """The zone's wards in rank order (rank 1 = worst in England), with their figures."""
    indicator = ranked_indicator(view)
    spec = mapkit.registry().indicator(indicator)
    table = zone_wards(tuple(codes), indicator)
    st.markdown(f"**Its wards by {markdown_text(spec.label)}**, rank 1 = {RANK_ONE[spec.higher_is]} in England")
    rows = pd.DataFrame({"Rank here": range(1, len(table) + 1), "Ward": table["name"], "District": table["district"],
                         "value": table["value"], "Rank in England": table["rank_in_england"],
                         "National decile": table["decile_in_england"], "Note": table["note"], "Code": table["code"]})
    st.dataframe(rows, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(rows)), key="zone_wards",
                 column_config={"value": st.column_config.NumberColumn(
                     f"{spec.label} ({spec.unit})", format=table_number_format(spec.number_format))})
    st.caption(wording.source_caption(spec))
