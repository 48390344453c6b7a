"""What the declarations say about the figures matches how the figures are made (audit, issue 26)."""

from __future__ import annotations

import re

import pytest

from mapkit.analysis.tables import value_heading
from mapkit.specs.registry import registry

REG = registry()
CENSUS = [s for s in REG.indicators.values() if s.method in ("census_rate", "census_count")]


def test_population_is_not_called_the_weight_of_iod_averages():
    """E01012049: Census 2021 population 1,252, IMD weight 1,281.65 = (200 + 2.5) / 0.158 (MHCLG's mid-2022
    population derived from File 7 and File 8): the Census count is not the IoD weight."""
    description = REG.indicator("population").description
    assert not re.search(r"weight (used )?for IoD", description)
    assert "not the weight of the IoD averages" in description


@pytest.mark.parametrize("spec", CENSUS, ids=lambda s: s.id)
def test_census_notes_say_how_each_lsoa_count_is_made(spec):
    """TS011 (households deprived) is ONS's published LSOA table; the other tables are sums of Output Areas."""
    tables = spec.params["table"].split("+")
    paths = [REG.sources["census2021"].files[t].path for t in tables]
    summed = all("sum_of_OA" in path for path in paths)
    for level, note in spec.level_notes.items():
        assert ("sum of Output Areas" in note) == summed, (spec.id, level, note)
        if not summed:
            assert "published" in note


@pytest.mark.parametrize("indicator", list(REG.indicators))
def test_a_heading_never_repeats_the_unit(indicator):
    """The change CSV was headed "... 2011 to 2021 (percentage points) (percentage points)"."""
    spec = REG.indicator(indicator)
    assert not spec.label.endswith(f"({spec.unit})")
    assert f"({spec.unit}) ({spec.unit})" not in value_heading(spec)
