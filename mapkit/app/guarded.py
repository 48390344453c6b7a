"""One part of the page drawn so that a missing or damaged data product stops that part only, with its message."""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

import mapkit


def guarded(part: Callable[..., Any], *args: Any) -> None:
    """Draw ``part(*args)``; a :class:`mapkit.MapkitError` becomes an error box in its place."""
    try:
        part(*args)
    except mapkit.MapkitError as exc:
        st.error(str(exc), icon="⚠️")
