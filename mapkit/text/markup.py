"""Small HTML fragments for popups, tooltips and legends, with every piece of outside text escaped.

folium writes popup and tooltip HTML into JavaScript template literals (`` `...` ``), so escaping for HTML is not
enough: a backtick, ``$`` or backslash in a name could end the literal or start a ``${...}`` expression. ``escape``
writes those as character references too; the browser shows them as the original characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

LINK_SCHEMES: tuple[str, ...] = ("http", "https")
_JS_TEMPLATE = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Invisible characters that change the direction of the text after them: the Arabic letter mark, the left-to-right
and right-to-left marks, embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069)."""
_NO_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def without_bidi_controls(value: object) -> str:
    """``value`` as text without :data:`BIDI_CONTROLS`, so that an outside name (an upload's, a file's) cannot
    reverse or reorder the text shown after it: "report\u202egpj.exe" would show as "reportexe.jpg".

    Every display of outside text goes through here: :func:`escape` for HTML, and the app's Markdown for names.
    """
    return ("" if value is None else str(value)).translate(_NO_BIDI)


def escape(value: object) -> str:
    """``value`` as text that is inert in HTML, in an HTML attribute and inside a JS template literal, without
    direction controls (:func:`without_bidi_controls`)."""
    return html.escape(without_bidi_controls(value), quote=True).translate(_JS_TEMPLATE)


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) address without spaces or control characters, else ``None``."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return url


def link(url: object, label: object = None) -> str:
    """A link that opens in a new tab, or the escaped text when the address is not http(s)."""
    target = safe_url(url)
    text = escape(label if label not in (None, "") else url)
    if target is None:
        return text
    return f'<a href="{escape(target)}" target="_blank" rel="noopener noreferrer">{text}</a>'


def source_links(titles: str, urls: str) -> list[str]:
    """One link per source: the research file keeps several titles and URLs in one cell, ``" ; "``-separated.

    Titles pair with URLs by position; when the counts differ the titles are listed as text, then each URL.
    """
    url_list = _split(urls)
    title_list = _split(titles)
    if len(title_list) == len(url_list):
        return [link(u, t) for t, u in zip(title_list, url_list)]
    return [escape(t) for t in title_list] + [link(u) for u in url_list]


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"\s+;\s+", cell or "") if part.strip()]


def table(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table; labels are escaped here, values must already be safe HTML."""
    body = "".join(
        f'<tr><th style="text-align:left;vertical-align:top;padding:1px 8px 1px 0;white-space:nowrap">'
        f"{escape(label)}</th><td style=\"padding:1px 0\">{value}</td></tr>"
        for label, value in rows
        if value
    )
    return f'<table style="border-collapse:collapse">{body}</table>'


def markdown_text(text: str) -> str:
    """Text shown literally by Streamlit's Markdown: a file name cannot become a link, markup or a formula, nor
    reorder the text after it (:func:`without_bidi_controls`)."""
    return re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", without_bidi_controls(text))
