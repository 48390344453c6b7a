"""mapkit.app.state: the one module that touches the session, the one writer of the current view, the compare list
held in the view alone, and the one way to act once on a new event."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_parts import query_value, whole_app

import mapkit.app
from mapkit.view import View

APP_PACKAGE = Path(mapkit.app.__file__).resolve().parent
PAGE_MODULES = sorted(APP_PACKAGE.glob("*.py"))
ROOT = APP_PACKAGE.parents[1]


@pytest.mark.parametrize("path", [*PAGE_MODULES, ROOT / "app.py"], ids=lambda p: p.name)
def test_only_the_state_module_touches_the_session(path: Path) -> None:
    text = path.read_text()
    if path.name == "state.py":
        assert "session_state" in text
    else:
        assert "session_state" not in text, f"{path.name}: use mapkit.app.state (a Slot, a Widget key, set_view)"


@pytest.mark.parametrize("path", PAGE_MODULES, ids=lambda p: p.name)
def test_the_view_is_written_by_set_view_alone(path: Path) -> None:
    text = path.read_text()
    writes = re.findall(r"\bVIEW\.(?:set|setdefault|pop)\(", text)
    assert len(writes) == (1 if path.name == "state.py" else 0)
    if path.name != "state.py":
        assert "EVENTS" not in text, "act once through state.first_time(event, token)"


def test_first_time_is_true_once_per_token() -> None:
    def script() -> None:
        import streamlit as st

        from mapkit.app import state

        st.write(repr([state.first_time("e", 1), state.first_time("e", 1), state.first_time("e", 2),
                       state.first_time("other", 1), state.first_time("e", 2)]))

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script).run()
    assert at.markdown[0].value == "[True, False, True, True, False]"
    at.run()  # a later run: a token acts again only after another one came (the last token per event is kept)
    assert at.markdown[0].value == "[True, False, True, False, False]"


SANDWELL, DUDLEY = "E08000028", "E08000027"


def test_the_compare_list_is_held_in_the_view_alone() -> None:
    """Add to compare, then remove in the Compare tab: the view (and so the link) is the one list."""
    at = whole_app({"region": "E92000001", "level": "lad", "indicator": "imd_score", "area": SANDWELL})
    at.button(key="add_compare").click().run()
    assert at.session_state["view"].compare_areas == (SANDWELL,)
    assert query_value(at, "compare_areas") == SANDWELL
    assert not [key for key in at.session_state if "compare_list" in key]
    at.session_state["w_tab"] = "Compare areas"
    at.run()
    assert at.multiselect(key="w_compare_areas").value == [SANDWELL]
    at.multiselect(key="w_compare_areas").select(DUDLEY).run()
    assert at.session_state["view"].compare_areas == (SANDWELL, DUDLEY)
    assert query_value(at, "compare_areas") == f"{SANDWELL},{DUDLEY}"
    at.multiselect(key="w_compare_areas").unselect(SANDWELL).run()
    assert at.session_state["view"].compare_areas == (DUDLEY,)
    assert query_value(at, "compare_areas") == DUDLEY


def test_set_compare_list_keeps_each_area_once_and_ten_at_most() -> None:
    codes = [f"E0800{n:04d}" for n in range(1, 13)]

    def script(codes: list[str]) -> None:
        from mapkit.app import state
        from mapkit.view import View

        state.set_view(View(level="lad"))
        state.set_compare_list([codes[0], *codes])

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script, args=(codes,)).run()
    assert at.session_state["view"].compare_areas == tuple(codes[:10])
    assert isinstance(at.session_state["view"], View)


NOT_PARTS = {"__init__.py", "cached.py", "guarded.py"}  # guarded: tests/app/test_app_damaged_data.py


@pytest.mark.parametrize("path", PAGE_MODULES, ids=lambda p: p.name)
def test_each_part_is_small_and_has_its_own_apptests(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 300, f"{path.name}: split it (a part draws one region)"
    if path.name not in NOT_PARTS:
        tests = list(Path(__file__).parent.glob("test_*.py"))
        names = (f"mapkit.app.{path.stem}", f'part("{path.stem}"')
        assert any(path.stem in t.name or any(n in t.read_text() for n in names) for t in tests), \
            f"{path.name}: add tests/app/test_part_{path.name}"
