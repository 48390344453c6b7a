"""Run one part of the page (a function of :mod:`mapkit.app`) in ``streamlit.testing.v1.AppTest``, without the rest.

A part is a function of the view: the script makes ``view`` the current one (:func:`mapkit.app.state.set_view`),
seeds any session values the test gives, and calls ``mapkit.app.<module>.<function>(view, *more)``. Whatever the
part returns is kept in the session under :data:`RESULT`, so a test can read it (a sidebar's view, a profile).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from mapkit.view import View

APP = str(next(p / "app.py" for p in Path(__file__).resolve().parents if (p / "app.py").exists()))
RESULT = "test_part_result"
TIMEOUT = 120


def _script(module, function, view, more, result_key, view_first):  # the source runs alone: no annotations
    import importlib

    import streamlit as st

    from mapkit.app import state

    if not state.started():
        state.set_view(view, widgets=True)
    part = getattr(importlib.import_module(f"mapkit.app.{module}"), function)
    args = (state.current_view(), *more) if view_first else more
    st.session_state[result_key] = part(*args)


def part(module: str, function: str, view: View, *more: Any, session: dict[str, Any] | None = None,
         view_first: bool = True) -> AppTest:
    """``mapkit.app.<module>.<function>(view, *more)`` drawn once (rerun it with ``.run()``); with ``view_first``
    false, ``function(*more)`` (a part that reads the view from the state, e.g. the uploader)."""
    at = AppTest.from_function(_script, args=(module, function, view, more, RESULT, view_first),
                               default_timeout=TIMEOUT)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def whole_app(query: dict[str, str] | None = None) -> AppTest:
    """The whole page opened from a link: its first run (the map alone), then the run its timer asks for."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def query_value(at: AppTest, key: str) -> str:
    """A query parameter of the page's link (its last value)."""
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value
