"""Plain-language help (mapkit.text.guidance): the map's text alternative, the glossary and the statement."""

from __future__ import annotations

import re

import pytest

from mapkit.analysis import describe
from mapkit.text import guidance
from mapkit.analysis.map_data import prepare
from mapkit.view import View

WMCA = "E47000007"


def test_map_description_names_indicator_region_every_class_and_points_to_the_table() -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="imd_score"))
    text = describe.map_description(data, ["Handsworth has the highest IMD score."])
    assert text.startswith("A map of IMD score (score, IoD2025")
    assert "for the 192 areas of West Midlands" in text
    assert "Darker = higher = worse; rank 1 = most deprived." in text
    classes = data.classification
    listed = re.findall(r"^- Class (\d+) of (\d+): (.+): ([\d,]+) areas$", text, flags=re.M)
    assert [(int(n), label, int(count.replace(",", ""))) for n, _, label, count in listed] == [
        (i + 1, label, count) for i, (label, count) in enumerate(zip(classes.labels, classes.counts))]
    assert sum(int(c) for *_, c in listed) + classes.n_missing == 192
    assert "- Handsworth has the highest IMD score." in text and "Ranked table" in text


def test_map_description_counts_areas_without_a_figure() -> None:
    data = prepare(View(region="E92000001", level="lad", indicator="gigabit_coverage"))
    assert data.classification.n_missing > 0  # the four 2023 councils have no figure on the 2022 workbook
    text = describe.map_description(data)
    assert f"- No data (grey, dashed outline): {data.classification.n_missing:,} areas" in text
    assert "In brief" not in text


@pytest.mark.parametrize("term", ["Score", "Rank", "Decile", "Extent", "Local concentration"])
def test_glossary_defines_the_iod_terms_the_issue_names(term: str) -> None:
    assert len(guidance.GLOSSARY[term]) > 80
    assert f"- **{term}**: " in guidance.glossary_markdown()


def test_glossary_matches_the_method_document() -> None:
    # docs/iod_method.md: extent is the 10% share plus percentiles 11-30 weighted 0.95 to 0.05; local
    # concentration is over the most deprived LSOAs holding 10% of the population.
    assert "11 to 30" in guidance.GLOSSARY["Extent"] and "0.95 down to 0.05" in guidance.GLOSSARY["Extent"]
    assert "10% of its population" in guidance.GLOSSARY["Local concentration"]
    assert "decile 1 is the most deprived 10%" in guidance.GLOSSARY["Decile"]


def test_statement_has_the_uk_public_sector_sections() -> None:
    for heading in ("Accessibility statement for", "How accessible this app is", "Feedback and contact information",
                    "Enforcement procedure", "Compliance status"):
        assert heading in guidance.STATEMENT
    assert "WCAG" in guidance.STATEMENT and "partially compliant" in guidance.STATEMENT


def test_view_announcement_names_the_map_and_the_open_profile() -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="imd_score"))
    assert describe.view_announcement(data) == "Map: IMD score for the 192 areas of West Midlands."
    assert describe.view_announcement(data, "Aston").endswith(" Profile of Aston open beside the map.")
