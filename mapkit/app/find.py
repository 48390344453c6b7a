"""The search box at the top of the sidebar (postcodes and places) and the card of a marked postcode."""

from __future__ import annotations

import dataclasses

import streamlit as st

import mapkit
from mapkit.analysis import search
from mapkit.app import state
from mapkit.app.cached import search_text
from mapkit.app.state import Widget
from mapkit.data import postcodes
from mapkit.text.markup import markdown_text
from mapkit.view import View


def search_box(previous: View) -> View:
    """The search box: a postcode opens at once, places are offered in a list.

    Each query opens its result once, so later changes to the controls are not undone by the box's text."""
    sb = st.sidebar
    text = sb.text_input("Find a postcode or place", key=Widget.FIND, max_chars=100,
                         placeholder="e.g. B9 5RP, B9, Moseley, Leeds",
                         help="A full postcode marks its point and opens its ward; the start of one (B9) lists "
                              "postcode districts and sectors; a name finds wards, districts, combined authorities, "
                              "LSOAs and overlay places, forgiving case, spaces and punctuation.").strip()
    view = previous
    result = search_text(text) if text else search.SearchResult()
    if result.message:
        sb.warning(result.message, icon="🔎")
    elif result.postcode is not None and state.first_time("search", text):
        if result.postcode.region is not None:
            view = state.set_view(search.view_for(previous, postcode=result.postcode)[0], widgets=True)
            state.ask_reveal()
    elif result.partial:
        sb.caption("Live postcodes beginning **" + markdown_text(text.upper()) + "**: "
                   + ", ".join(f"{o.prefix} ({o.count:,})" for o in result.partial)
                   + ". Type the whole postcode to find it.")
    elif result.places:
        options = result.places
        choice = sb.selectbox(f"{len(options)} place{'s' * (len(options) != 1)} found", range(len(options)),
                              index=None, format_func=lambda i: options[i].label, key=Widget.found(text),
                              placeholder="Choose a place to open it")
        if choice is not None and state.first_time("search", (text, choice)):
            view = state.set_view(search.view_for(previous, place=options[choice])[0], widgets=True)
            state.ask_reveal()
    postcode_card(view, result.postcode if result.postcode is not None and result.postcode.region is None else None)
    return view


def postcode_card(view: View, unplaced: postcodes.PostcodeResult | None = None) -> None:
    """Where the marked postcode lies (LSOA, ward, district, combined authority), with its caveat and sources."""
    found = unplaced or (postcodes.lookup(view.postcode) if view.postcode else None)
    if found is None:
        return
    sb = st.sidebar
    rows = [f"**{found.postcode}**"]
    for label, name, code in (("LSOA", found.lsoa_name, found.lsoa_code), ("Ward", found.ward_name, found.ward_code),
                              ("District", found.lad_name, found.lad_code),
                              ("Combined authority", found.ca_name, found.ca_code)):
        rows.append(f"{label}: {markdown_text(name)} ({code})" if code else f"{label}: none")
    sb.markdown("  \n".join(rows))
    if found.caveat:
        sb.warning(found.caveat, icon="⚠️")
    sb.caption(f"{postcodes.METHOD_NOTE} {mapkit.registry().sources[postcodes.SOURCE_KEY].attribution}")
    left, right = sb.columns(2)
    if found.lsoa_code and view.level != "lsoa" and left.button("Open its LSOA", key="postcode_lsoa"):
        state.set_view(search.view_for(dataclasses.replace(view, level="lsoa"), postcode=found)[0], widgets=True)
        st.rerun()
    if view.postcode and right.button("Clear", key="postcode_clear", help="Remove the postcode's marker"):
        state.set_view(dataclasses.replace(view, postcode=None))
        st.rerun()
