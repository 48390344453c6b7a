"""Any link at all opens a valid view, with notices that cannot carry markup from the link (hypothesis + AppTest).

The app shows notices with ``st.info``, which renders Markdown: text from a link must only ever appear inside a
code span of :func:`mapkit.view.excerpt` (letters, digits and ``_ .,:;()+-?``), never as Markdown or HTML.
"""

from __future__ import annotations

import dataclasses

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from mapkit import view as view_module
from mapkit.links import QUERY_KEYS, RESERVED_KEYS, parse_query, to_query
from mapkit.view import View

APP = str(Path(__file__).resolve().parents[2] / "app.py")
OVERLAY_IDS = frozenset({"transport_schemes", "growth_locations"})
SAFE_SPAN = re.compile(r"`[A-Za-z0-9 _.,:;()+\-?]*(?:\.\.\.)?`")
MARKDOWN_CHARS = set("<>[]*$\\{}|~#!`")
MAX_NOTICES = 12

MARKUP = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![x](https://evil.example/a.png)",
    "[click](javascript:alert(1))", ":red[boo]", ":material/warning:", "$$\\frac{1}{2}$$", "**bold**", "# heading",
    "`code`", "a\nb\r\nc", "\u202eevil", "\x00", "&lt;b&gt;", "E47000007<b>", "{{7*7}}", "%3Cscript%3E",
]
VALID = ["E47000007", "E92000001", "E08000026", "ward", "lad", "lsoa", "ca", "imd_score", "gdhi_per_head",
         "quantiles", "national_deciles", "5", "9", "england", "region", "default", "print", "light", "none",
         "E05001219", "transport_schemes", "all", "open"]
TEXT = (st.text(max_size=60) | st.sampled_from(MARKUP + VALID)
        | st.builds(lambda s, n: s * n, st.sampled_from(["x", "<", "é", "E47"]), st.integers(150, 20_000)))
VALUE = TEXT | st.lists(TEXT, max_size=3) | st.integers() | st.none() | st.binary(max_size=8) | st.floats() \
    | st.lists(st.integers() | st.none(), max_size=2)
KEY = st.sampled_from([*QUERY_KEYS, *RESERVED_KEYS]) | st.text(max_size=30) | st.integers()
PARAMS = st.dictionaries(KEY, VALUE, max_size=12)
FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def assert_inert(notice: str) -> None:
    """User text only inside safe code spans; nothing outside them that Markdown or HTML would interpret."""
    assert isinstance(notice, str) and 0 < len(notice) < 500, notice
    outside = SAFE_SPAN.sub("", notice)
    assert not MARKDOWN_CHARS & set(outside), notice
    assert outside.isprintable(), notice


@FUZZ
@given(params=PARAMS)
def test_any_link_gives_a_valid_view_and_inert_notices(params: dict) -> None:
    view, notices = parse_query(params, overlay_ids=OVERLAY_IDS)
    assert isinstance(view, View)
    assert View.lenient(overlay_ids=OVERLAY_IDS, **dataclasses.asdict(view)) == (view, [])  # nothing left to correct
    assert parse_query(to_query(view), overlay_ids=OVERLAY_IDS) == (view, [])  # its link round-trips
    assert len(notices) <= MAX_NOTICES
    for notice in notices:
        assert_inert(notice)


@pytest.mark.parametrize("key", [k for k in QUERY_KEYS if k != "k"])
@pytest.mark.parametrize("value", MARKUP)
def test_markup_in_any_parameter_is_quoted_as_filtered_code(key: str, value: str) -> None:
    _, notices = parse_query({key: value}, overlay_ids=OVERLAY_IDS)
    for notice in notices:
        assert_inert(notice)


def test_many_bad_overlays_do_not_flood_the_page() -> None:
    _, notices = parse_query({"overlays": ",".join(f"x{i}" for i in range(60)), "statuses": "a,b,c,d,e,f,g,h,i,j"},
                             overlay_ids=OVERLAY_IDS)
    assert len(notices) <= MAX_NOTICES
    assert any("more problems" in n for n in notices), notices


@pytest.mark.parametrize("params", [{"region": 7}, {"level": None}, {"k": 5.5}, {7: "x"}, {"area": b"E05"},
                                    {"indicator": [1, 2]}])
def test_values_that_are_not_text_fall_back_with_a_notice(params: dict) -> None:
    view, notices = parse_query(params)
    assert view == view_module.DEFAULT
    assert notices and all("<" not in n for n in notices)


def test_the_app_renders_hostile_links_as_plain_text() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    payloads = dict(zip(QUERY_KEYS, [*MARKUP[:4], ":red[boo]", "$$x$$", *MARKUP[5:9]]))
    payloads["evil<b>"] = "1"
    for key, value in payloads.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.error
    notices = [i.value for i in at.info]
    assert len(notices) >= 8, notices
    for notice in notices:
        assert_inert(notice)
    shown = " ".join(e.value for kind in (at.markdown, at.caption, at.info, at.warning, at.title, at.header,
                                          at.subheader)
                     for e in kind)
    for fragment in ("onerror=", "](", ":red[", "$$", "<b>", "<script"):
        assert fragment not in shown, fragment
