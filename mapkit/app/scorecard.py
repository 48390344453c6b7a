"""The scorecard of one scheme, under "Who lives near": who lives in or near it, how their neighbourhoods moved
between IoD2019 and IoD2025, and the growth of the districts it sits in, beside its combined authority and England.

It follows the place chosen under "Who lives near" (its scheme), and says the same as the briefing pack's page
(:func:`mapkit.export.scorecard_pages.page_text`); its CSV and JSON are the command line's.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapkit.analysis import nearby
from mapkit.analysis.scorecard import Scorecard, usable_period
from mapkit.app import state
from mapkit.app.cached import scheme_options, scheme_scorecard
from mapkit.app.state import Widget
from mapkit.export.scorecard_pages import Table, page_text
from mapkit.export.scorecards import METHOD, scorecard_csv, scorecard_json, sources
from mapkit.text.markup import markdown_text
from mapkit.view import View

INTRO = ("Who lives in or near a growth location, zone or transport scheme, how their neighbourhoods moved between "
         "IoD2019 and IoD2025, and how the districts it sits in grew, beside its combined authority and England. "
         "A description of the place, not an evaluation of the scheme.")
EFFECT_ICONS = {"not_open": "🚧", "status_unclear": "❔", "opened_after_data": "🕒", "open_within_data": "ℹ️",
                "open_undated": "ℹ️"}


def show_scorecard(view: View) -> None:
    """The scorecard of the scheme chosen (at first, the scheme of the place chosen under "Who lives near")."""
    if not view.overlays:
        return
    options, scheme_of = scheme_options(tuple(view.overlays), view.region, view.statuses, view.as_of)
    if not options:
        return
    st.divider()
    st.subheader("Scorecard of a scheme")
    st.caption(INTRO)
    keys = list(options)
    near = state.widget(Widget.NEAR_PLACE)
    follow = scheme_of.get(near) if isinstance(near, str) else None
    if follow is not None and state.first_time("scorecard_follows", near):
        state.set_widget(Widget.SCORECARD, follow)
    state.keep_option(Widget.SCORECARD, keys, follow or keys[0])
    chosen = st.selectbox("Scorecard for", keys, key=Widget.SCORECARD, format_func=lambda k: options[k],
                          help="A scheme: a growth location with its zone, a line with its stops and the wards it "
                               "serves, or a single station or site. It follows the place chosen above.")
    overlay_id, scheme_id = chosen.split(":", 1)
    distance = float(state.widget(Widget.NEAR_KM, nearby.DEFAULT_DISTANCE_KM))
    with st.spinner("Making the scorecard..."):
        card = scheme_scorecard(overlay_id, view.region, view.statuses, view.as_of, scheme_id, distance,
                                usable_period(view.change))
    show_card(card)


def table_frame(table: Table) -> pd.DataFrame:
    """A page table as a frame for ``st.dataframe`` (cells as the pack prints them)."""
    return pd.DataFrame(list(table.rows), columns=list(table.headings))


def show_card(card: Scorecard) -> None:
    """One scorecard: what the figures can say, who lives there, how it moved, growth where it sits, files."""
    text = page_text(card)
    st.markdown(f"**{markdown_text(text.title)}**")
    st.caption(markdown_text(text.subtitle))
    st.info(markdown_text(text.effect), icon=EFFECT_ICONS.get(card.effect_kind, "ℹ️"))
    st.markdown(markdown_text(text.residents))
    left, right = st.columns(2, gap="medium")
    for column, table in ((left, text.who), (right, text.moved)):
        column.markdown(f"**{markdown_text(table.title)}**")
        column.dataframe(table_frame(table), hide_index=True, width="stretch")
    st.caption(markdown_text(text.moved_note))
    st.markdown(f"**{markdown_text(text.growth.title)}**")
    st.dataframe(table_frame(text.growth), hide_index=True, width="stretch")
    for note in text.growth_notes:
        st.caption(markdown_text(note))
    stem = f"scorecard_{card.scheme.id}"
    csv_column, json_column = st.columns(2)
    csv_column.download_button("Download this scorecard (CSV, one row per figure)",
                               data=scorecard_csv([card]).encode("utf-8"), file_name=f"{stem}.csv",
                               mime="text/csv", key="scorecard_csv", on_click="ignore",
                               icon=":material/download:")
    json_column.download_button("Download this scorecard (JSON, with its LSOAs)",
                                data=scorecard_json([card]).encode("utf-8"), file_name=f"{stem}.json",
                                mime="application/json", key="scorecard_json", on_click="ignore",
                                icon=":material/download:")
    st.caption(markdown_text(f"Method: {METHOD}"))
    st.caption(markdown_text("Sources: " + " ".join(sources())))
