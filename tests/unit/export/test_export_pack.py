"""The generated summary (checked against a hand-made fixture and against the data) and the briefing pack files."""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import mapkit
from mapkit.export import FigureOptions, prepare
from mapkit.view import View
from mapkit.export.formats import csv_bytes
from mapkit.export.pack import columns, extremes, pack_zip, ranked_areas, summary_text, table_headings, table_key
from mapkit.export.tidy import view_table
from mapkit.export.tidy_files import about_rows
from mapkit.export.summary import SummaryContext, ordinal, summarise, summary_sentences
from mapkit.specs.registry import registry

WMCA = "E47000007"
IMD = registry().indicator("imd_score")
LEVEL4 = registry().indicator("level4_qualifications")

# Six wards worked out by hand: two in decile 1 (Ash, Birch), one in decile 10 (Oak), one without a figure (Yew).
# Values 50, 42.5, 30, 12, 8 -> median 30; highest Ash (national rank 10), lowest Oak (rank 990).
FIXTURE = pd.DataFrame({
    "code": ["W1", "W2", "W3", "W4", "W5", "W6"],
    "name": ["Ash", "Birch", "Cedar", "Elm", "Oak", "Yew"],
    "parent": ["Northtown", "Northtown", "Southby", "Southby", "Southby", "Northtown"],
    "value": [50.0, 42.5, 30.0, 12.0, 8.0, np.nan],
    "rank": pd.array([10, 25, 300, 900, 990, None], dtype="Int64"),
    "n_ranked": pd.array([1000] * 5 + [None], dtype="Int64"),
    "decile": pd.array([1, 1, 4, 9, 10, None], dtype="Int64"),
})
CONTEXT = SummaryContext(place="Testshire", singular="ward", plural="wards", worst="most deprived",
                         best="least deprived", rank_hint="1 = most deprived", england_median=20.0, n_england=1000)


def test_summary_of_the_hand_checked_fixture() -> None:
    assert summary_sentences(FIXTURE, IMD, CONTEXT) == [
        "2 of the 5 wards with a figure in Testshire are among the most deprived 10% of wards in England by IMD "
        "score, and 1 is among the least deprived 10%.",
        "Ash (Northtown) has the highest IMD score in Testshire (50.00; ranked 10th of 1,000 wards in England, "
        "1 = most deprived), and Oak (Southby) the lowest (8.00; ranked 990th of 1,000 wards in England).",
        "The median IMD score across the 5 wards is 30.00, against 20.00 across all 1,000 wards in England.",
        "1 of the 6 wards has no figure and is shown as no data.",
    ]


def test_summary_words_follow_the_direction_of_the_indicator() -> None:
    frame = FIXTURE.iloc[:5].assign(value=[50.0, 42.5, 30.0, 12.0, 8.0],
                                    rank=pd.array([990, 900, 300, 25, 10], dtype="Int64"),
                                    decile=pd.array([10, 9, 4, 1, 1], dtype="Int64"), parent="Northtown")
    context = SummaryContext(place="Testshire", singular="ward", plural="wards", worst="lowest", best="highest",
                             rank_hint="1 = lowest")
    assert summary_sentences(frame, LEVEL4, context) == [
        "2 of 5 wards in Testshire are among the lowest 10% of wards in England by level 4+ qualifications, and "
        "1 is among the highest 10%.",
        "Oak has the lowest level 4+ qualifications in Testshire (8.0%; ranked 10th of 1,000 wards in England, "
        "1 = lowest), and Ash the highest (50.0%; ranked 990th of 1,000 wards in England).",
        "The median level 4+ qualifications across the 5 wards is 30.0%.",
    ]


def test_summary_of_one_area() -> None:
    one = FIXTURE.iloc[[1]]
    assert summary_sentences(one, IMD, CONTEXT) == [
        "IMD score for Birch is 42.50, ranked 25th of 1,000 wards in England (1 = most deprived), national decile 1 "
        "(decile 1 = most deprived 10%)."]


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                         (13, "13th"), (21, "21st"), (102, "102nd"), (6345, "6,345th")])
def test_ordinal(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_wmca_decile_count_matches_the_data() -> None:
    sentences = summarise(prepare(View(region=WMCA, level="ward", indicator="imd_score")))
    frame = mapkit.load_indicator("imd_score", "ward", WMCA)
    match = re.match(r"(\d+) of (\d+) wards in the West Midlands combined authority area are among the most "
                     r"deprived 10% of wards in England by IMD score, and (\d+) are among the least deprived 10%\.",
                     sentences[0])
    assert match, sentences[0]
    assert int(match.group(1)) == int((frame["decile"] == 1).sum())
    assert int(match.group(2)) == len(frame) == 192
    assert int(match.group(3)) == int((frame["decile"] == 10).sum())
    worst = frame.loc[frame["value"].idxmax()]
    assert sentences[1].startswith(f"{worst['name']} ({worst['lad_name']}) has the highest IMD score")
    assert f"ranked {ordinal(int(worst['rank']))} of {int(worst['n_ranked']):,} wards" in sentences[1]
    median = IMD.format_value(float(frame["value"].median()))
    national = IMD.format_value(float(mapkit.indicator_table("imd_score", "ward")["value"].median()))
    assert sentences[2] == (f"The median IMD score across the 192 wards is {median}, against {national} across all "
                            "6,784 wards in England.")


@pytest.mark.parametrize(("region", "level", "n_worst", "n_best"), [
    (WMCA, "ward", 10, 10),
    ("E08000026", "ward", 10, 8),   # Coventry: 18 wards, none listed twice
    ("E47000001", "lad", 10, 0),    # Greater Manchester: 10 districts
])
def test_ranking_tables_list_each_area_once(region: str, level: str, n_worst: int, n_best: int) -> None:
    data = prepare(View(region=region, level=level, indicator="imd_score"))
    worst, best = extremes(data)
    assert (len(worst), len(best)) == (n_worst, n_best)
    assert not set(worst["code"]) & set(best["code"])
    assert worst["value"].is_monotonic_decreasing and best["value"].is_monotonic_increasing
    assert worst["rank_region"].tolist() == list(range(1, n_worst + 1))


def test_table_headings_use_the_indicators_words() -> None:
    imd = prepare(View(region=WMCA, level="ward", indicator="imd_score"))
    assert table_headings(imd, 10, 10) == ("The 10 most deprived wards", "The 10 least deprived wards")
    level4 = prepare(View(region=WMCA, level="ward", indicator="level4_qualifications"))
    assert table_headings(level4, 10, 10) == ("The 10 wards with the lowest level 4+ qualifications",
                                              "The 10 wards with the highest level 4+ qualifications")


def test_neutral_indicators_read_highest_and_lowest_in_every_export_text() -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="population"))
    assert table_headings(data, 10, 10) == ("The 10 wards with the highest usual residents",
                                            "The 10 wards with the lowest usual residents")
    about = "\n".join(text for _, text in about_rows(view_table(data.view)))
    texts = [summary_text(data), table_key(data, 6784), csv_bytes(data, FigureOptions()).decode("utf-8"), about,
             *table_headings(data, 10, 10)]
    for text in texts:
        assert not re.search(r"\b(worse|worst|better|best)\b", text, re.I), text
    assert "1 = highest" in summary_text(data)
    assert "Rank 1 = highest; decile 1 = the highest 10% of England's wards" in about


def test_percentages_keep_their_unit_in_the_pack() -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="bad_health"))
    headings = [c.heading for c in columns(data, 7.0)]
    assert "Value (% of people)" in headings
    top = ranked_areas(data).iloc[0]
    assert 1 < top["value"] < 100
    assert f"({top['value']:.1f}%;" in summary_text(data)
    table = pd.read_csv(io.BytesIO(csv_bytes(data, FigureOptions())))
    assert set(table["unit"]) == {"% of people"} and set(table["indicator"]) == {"Bad or very bad health"}
    assert table["value"].between(0, 100).all()


def test_briefing_zip_holds_png_csv_summary_and_pdf() -> None:
    data = prepare(View(region="E08000026", level="ward", indicator="imd_score"))
    archive = zipfile.ZipFile(io.BytesIO(pack_zip(data, FigureOptions(dpi=72))))
    stem = "E08000026_coventry_imd_score_ward"
    assert archive.namelist() == [f"{stem}.png", f"{stem}.csv", f"{stem}.csv-metadata.json", f"{stem}_summary.txt",
                                  f"{stem}_briefing.pdf"]
    image = Image.open(io.BytesIO(archive.read(f"{stem}.png")))
    assert image.size == FigureOptions(dpi=72).pixels
    assert archive.read(f"{stem}.csv") == csv_bytes(data, FigureOptions())
    assert json.loads(archive.read(f"{stem}.csv-metadata.json"))["url"] == f"{stem}.csv"
    text = archive.read(f"{stem}_summary.txt").decode("utf-8")
    assert text == summary_text(data)
    for sentence in summarise(data):
        assert f"• {sentence}" in text
    assert "Contains OS data © Crown copyright and database right 2025" in text
    assert archive.read(f"{stem}_briefing.pdf").startswith(b"%PDF")
