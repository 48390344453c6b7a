"""The page's own browser behaviour (``mapkit/web/static/page.js`` and ``page.css``, sent with ``st.html``): the
"Copy link" button beside the title, and on a phone, after a search pick or a tap on the map, the sidebar
closed and the profile brought into view.

The link copied is the page's address with the view's query (:func:`mapkit.links.to_query`), the same one the page
keeps in the address bar. Where the browser refuses the clipboard, the link is shown selected beside the button with
"press Ctrl+C" (``page.js`` says when that happens).
"""

from __future__ import annotations

import html
import re
import urllib.parse

import streamlit as st

from mapkit import links
from mapkit.app import state
from mapkit.view import View
from mapkit.web import PAGE_RUNTIME, PAGE_STYLES, runtime, static_text

PROFILE_KEY = "profile"
"""Key of the container holding the profile beside (on a phone: under) the map; its class is ``st-key-profile``."""


def page_script(call: str) -> str:
    """``page.js`` (defined once per page however often it is sent) and one call of it, as a script element.

    ``st.html`` passes its body through DOMPurify, which drops a script whose text holds ``<`` before a letter, ``/``
    or ``!`` (it could be markup): such a script would silently never run, so it is refused here."""
    script = f"{runtime(PAGE_RUNTIME)}\n{call}"
    if re.search(r"<[/\w!]", script):
        raise ValueError("mapkit/web/static/page.js holds '<' before a letter, '/' or '!': st.html would drop it")
    return f"<script>{script}</script>"


def copy_link(view: View) -> None:
    """The "Copy link" button with its live status line and the field that holds the link if copying is refused."""
    query = html.escape(urllib.parse.urlencode(links.to_query(view)), quote=True)
    st.html(f"<style>{''.join(static_text(name) for name in PAGE_STYLES)}</style>"
            f'<div class="mapkit-share"><button type="button" class="mapkit-copy-link" data-query="{query}">'
            "Copy link</button>"
            '<span class="mapkit-share-status" role="status" aria-live="polite"></span>'
            '<input class="mapkit-share-link" type="text" readonly hidden aria-label="Link to this view"></div>'
            + page_script("window.mapkit.page.install(document);"), unsafe_allow_javascript=True)


def reveal_profile_after_pick() -> None:
    """After a search pick or a tap on the map (:func:`mapkit.app.state.ask_reveal`), on a phone: close the sidebar
    and scroll the profile into view. Drawn once, in the run that shows the picked area."""
    if state.REVEAL.pop(False):
        st.html(page_script(f"window.mapkit.page.reveal(document, window, '.st-key-{PROFILE_KEY}');"),
                unsafe_allow_javascript=True)
