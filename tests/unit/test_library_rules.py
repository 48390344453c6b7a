"""Rules of the data written once, in the library: which levels have ONS time series, and what kind of region a code
is (from the shipped regions table, never from a code's prefix)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mapkit
from mapkit.specs.registry import SERIES_MAP_LEVELS, LEVELS, registry

PACKAGE = Path(mapkit.__file__).resolve().parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "pipeline" not in p.relative_to(PACKAGE).parts)
"""Every module but the pipeline's (which builds the regions table from the published codes)."""


@pytest.mark.parametrize("indicator", list(registry().indicators))
@pytest.mark.parametrize("level", LEVELS)
def test_series_are_offered_at_districts_and_cas_for_indicators_with_one(indicator: str, level: str) -> None:
    expected = registry().series_for(indicator) if level in ("lad", "ca") else None
    assert registry().series_at(indicator, level) == expected


def test_some_indicator_has_a_series_at_each_series_level() -> None:
    for level in SERIES_MAP_LEVELS:
        assert any(registry().series_at(i, level) for i in registry().indicators)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_guesses_a_region_kind_from_a_code_prefix(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"""startswith\(\s*["']E\d""", text), "use mapkit.region_kind(code)"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_series_levels_are_written_once(path: Path) -> None:
    if path.name == "registry.py":
        return
    text = path.read_text()
    # a test of membership or a constant (a ward's parent levels, ``"ward": ("lad", "ca")``, are another matter)
    assert not re.search(r"""(\bin|=)\s*\(\s*["']lad["'],\s*["']ca["']\s*\)""", text), \
        "use registry().series_at(indicator, level)"
