"""mapkit.app.share: the "Copy link" button carries the view's link; a search pick or a tap asks the page once to
bring the profile into view on a phone (the browser's side is tests/js/page.test.mjs and
tests/browser/test_app_state_browser.py)."""

from __future__ import annotations

import html
import re
import urllib.parse

from app_parts import part, whole_app
from streamlit.testing.v1 import AppTest

from mapkit import links
from mapkit.app import share
from mapkit.view import DEFAULT, View


def page_html(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def copy_query(at: AppTest) -> dict[str, str]:
    (body,) = [b for b in page_html(at) if "mapkit-copy-link" in b]
    query = html.unescape(body.split('data-query="', 1)[1].split('"', 1)[0])
    return dict(urllib.parse.parse_qsl(query))


def test_copy_link_carries_the_views_query() -> None:
    view = View(region="E08000026", level="ward", indicator="income_score", overlays=("transport_schemes",),
                area="E05001219", similar=True)
    at = part("share", "copy_link", view)
    assert copy_query(at) == links.to_query(view)
    assert all(h.proto.unsafe_allow_javascript for h in at.get("html"))


def test_the_button_follows_the_view_in_the_whole_page() -> None:
    at = whole_app()
    assert copy_query(at) == links.to_query(DEFAULT)
    at.selectbox(key="w_palette").set_value("print").run()
    assert copy_query(at)["palette"] == "print"


def test_a_search_pick_asks_once_to_bring_the_profile_into_view() -> None:
    at = whole_app()
    assert not [b for b in page_html(at) if "mapkit.page.reveal(" in b]
    at.text_input(key="w_find").input("B9 5RP").run()
    reveal = [b for b in page_html(at) if "mapkit.page.reveal(" in b]
    assert len(reveal) == 1 and ".st-key-profile" in reveal[0]
    at.selectbox(key="w_palette").set_value("print").run()  # a later run: not again
    assert not [b for b in page_html(at) if "mapkit.page.reveal(" in b]


def test_the_page_script_survives_st_htmls_sanitiser() -> None:
    script = share.page_script("window.mapkit.page.install(document);")
    inner = script.removeprefix("<script>").removesuffix("</script>")
    assert not re.search(r"<[/\w!]", inner)  # DOMPurify would drop the script as markup
