"""One rank wording per indicator, everywhere (mapkit.text.ranks): "1 = most deprived" for the Indices of
Deprivation, else "1 = highest" or "1 = lowest"; never "worst" beside "highest" in one tooltip (issue 26)."""

from __future__ import annotations

import re

import pytest

from mapkit.analysis.describe import map_description
from mapkit.analysis.map_data import prepare
from mapkit.export.static import footer_text
from mapkit.export.tidy import indicator_table
from mapkit.specs.palettes import NO_DATA
from mapkit.specs.registry import registry
from mapkit.text.ranks import decile_hint, rank_hint, rank_one, rank_rule
from mapkit.view import View
from mapkit.web.choropleth import choropleth_data, legend_html, map_text

WMCA = "E47000007"


@pytest.mark.parametrize(("indicator", "one"), [
    ("imd_score", "most deprived"), ("income_scale", "most deprived"), ("bad_health", "highest"),
    ("employment_rate_16_64", "lowest"), ("population", "highest"), ("no_car_households", "highest")])
def test_what_rank_one_is(indicator, one):
    spec = registry().indicator(indicator)
    assert rank_one(spec) == one and rank_hint(spec) == f"1 = {one}"
    assert decile_hint(spec, "wards") == f"1 = {one} 10% of wards in England"
    assert rank_rule(spec, "wards").startswith(f"Rank 1 = {one}; decile 1 = the {one} 10% of England's wards")


@pytest.mark.parametrize("indicator", ["imd_score", "bad_health", "employment_rate_16plus", "population"])
def test_every_surface_uses_the_indicators_one_wording(indicator):
    data = prepare(View(region=WMCA, level="ward", indicator=indicator, scheme="national_deciles"
                        if registry().indicator(indicator).national_deciles else None))
    spec, one = data.spec, rank_one(data.spec)
    text = map_text(spec, "ward", "West Midlands")
    arrays = choropleth_data(data.frame, spec, data.classification, list(data.colours), NO_DATA, text,
                             order=list(data.frame["code"]))
    surfaces = {"tooltip rank": arrays["rankHint"], "tooltip decile": arrays["decileHint"],
                "legend": legend_html(spec, data.classification, list(data.colours), NO_DATA, text),
                "description": map_description(data, []), "footer": " ".join(footer_text(data)),
                "table notes": " ".join(indicator_table(indicator, "ward", WMCA).caveats)}
    for where, words in surfaces.items():
        assert not re.search(r"\b1 = worst\b|rank 1 = worst|decile 1 = worst", words, re.I), where
    for where in ("tooltip rank", "tooltip decile", "description", "footer", "table notes"):
        assert f"1 = {one}" in surfaces[where] or f"1 = the {one}" in surfaces[where], where
