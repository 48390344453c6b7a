"""Scorecards as a tidy CSV, JSON, the ``scorecard`` command and the briefing pack's pages.

The CSV's figures are checked against the shipped files read with pandas (Census 2021 residents and IoD movement
per LSOA, ONS's series cells), not against mapkit's own tables.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from mapkit.analysis.scorecard import scorecards
from mapkit.export.scorecards import COLUMNS, scorecard_csv, scorecard_frame, scorecard_json

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
WMCA = "E47000007"
NORTHUMBERLAND = "E06000057"

pytestmark = pytest.mark.skipif(not (DATA / "indicators" / "lsoa.parquet").exists(), reason="data/ not built")


@pytest.fixture(scope="module")
def cards():
    return scorecards(WMCA, overlays=("transport_schemes",))


@pytest.fixture(scope="module")
def table(cards) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(scorecard_csv(cards)))


@pytest.fixture(scope="module")
def lsoa() -> pd.DataFrame:
    rows = pd.read_parquet(DATA / "indicators" / "lsoa.parquet")
    return rows.pivot(index="code", columns="indicator", values="value")


def _value(table: pd.DataFrame, scheme: str, area: str, indicator: str, period: str | None = None) -> float:
    rows = table[(table["scheme_id"] == scheme) & (table["area_code"] == area) & (table["indicator_id"] == indicator)]
    if period is not None:
        rows = rows[rows["period"].astype(str) == period]
    assert len(rows) == 1, (scheme, area, indicator, period)
    return float(rows["value"].iloc[0])


def test_the_csv_is_tidy_and_loads_with_pandas_defaults(cards, table):
    text = scorecard_csv(cards)
    assert not text.startswith("#") and text.splitlines()[0] == ",".join(COLUMNS)
    assert list(table.columns) == list(COLUMNS)
    assert set(table["scheme_id"]) == {card.scheme.id for card in cards}
    assert set(table["area_level"]) == {"scheme", "ca", "lad", "england"}
    assert table["source"].notna().all() and table["effect"].str.contains("not an evaluation").all()
    # A figure appears once per scheme, area, indicator and period.
    assert not table.duplicated(["scheme_id", "area_code", "indicator_id", "period"]).any()


def test_csv_residents_and_moves_are_the_sums_of_their_lsoas(cards, table, lsoa):
    for card in cards:
        weights = card.members.set_index("code")["weight"]
        people = lsoa.loc[weights.index, "population"] * weights
        compared = people[lsoa.loc[weights.index, "imd_change_net_10pct"].notna()].sum()
        scheme = card.scheme.id
        assert _value(table, scheme, scheme, "residents") == round(people.sum())
        for indicator, column, moved in (("imd_into_10pct", "imd_change_net_10pct", 1),
                                         ("imd_out_10pct", "imd_change_net_10pct", -1),
                                         ("imd_into_20pct", "imd_change_net_20pct", 1),
                                         ("imd_out_20pct", "imd_change_net_20pct", -1)):
            share = 100 * people[lsoa.loc[weights.index, column] == moved].sum() / compared
            assert _value(table, scheme, scheme, indicator) == pytest.approx(share, abs=0.005), (scheme, indicator)


def test_csv_growth_is_the_change_in_onss_cells(table):
    series = pd.read_parquet(DATA / "series" / "lad.parquet")

    def cell(series_id: str, code: str, year: int) -> float:
        rows = series[(series["series"] == series_id) & (series["code"] == code) & (series["year"] == year)]
        return float(rows["value"].iloc[0])

    rows = table[(table["scheme_id"] == "WMM_L1") & (table["area_level"] == "lad")
                 & table["indicator_id"].str.endswith("_change")]
    assert len(rows) == 3 * 4  # three series, four districts holding 1% or more of its residents
    for row in rows.itertuples():
        series_id = row.indicator_id.removesuffix("_change")
        start, end = cell(series_id, row.area_code, 2013), cell(series_id, row.area_code, 2023)
        expected = end - start if series_id == "employment_rate_16_64" else 100 * (end / start - 1)
        assert row.value == pytest.approx(round(expected, 2), abs=1e-9)
        assert row.period == "2013 to 2023"
        assert _value(table, "WMM_L1", row.area_code, series_id, "2023") == end
    shares = table[(table["scheme_id"] == "WMM_L1") & (table["indicator_id"] == "scheme_residents_share")]
    assert shares["value"].sum() == pytest.approx(100, abs=0.05)
    dudley = shares[shares["area_code"] == "E08000027"].iloc[0]
    assert dudley["value"] < 1 and "left out" in dudley["note"]


def test_json_carries_the_lsoas_behind_each_figure(cards, lsoa):
    payload = json.loads(scorecard_json(cards))
    assert "not the schemes' effects" in payload["method"] and len(payload["sources"]) == 5
    (line,) = [c for c in payload["scorecards"] if c["scheme_id"] == "WMM_L1"]
    total = sum(lsoa.loc[m["code"], "population"] * m["weight"] for m in line["residents"]["lsoas"])
    assert line["residents"]["total"] == pytest.approx(total, rel=1e-5)
    assert line["effect"]["kind"] == "open_within_data"
    assert {g["series_id"] for g in line["growth"]} == {"gva_per_hour", "employment_rate_16_64", "gdhi_per_head"}
    assert line["movement"]["ca"]["area_code"] == WMCA and line["movement"]["england"]["area_code"] == "E92000001"


def test_text_that_a_spreadsheet_would_run_is_neutralised(cards):
    card = cards[0]
    hostile = dataclasses.replace(card, scheme=dataclasses.replace(card.scheme, name="=HYPERLINK(\"x\")"))
    frame = scorecard_frame([hostile])
    assert (frame["scheme_name"] == "=HYPERLINK(\"x\")").all()
    text = scorecard_csv([hostile])
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_the_command_writes_csv_json_and_lists_schemes(tmp_path, capsys):
    from mapkit.cli import main

    assert main(["scorecard", "--region", WMCA, "--overlays", "transport", "--list"]) == 0
    listed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert "WMM_L1" in set(listed["scheme_id"]) and list(listed.columns)[:2] == ["scheme_id", "scheme_name"]
    out = tmp_path / "l1.json"
    assert main(["scorecard", "--region", WMCA, "--scheme", "WMM_L1", "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["scorecards"][0]["scheme_name"] == "West Midlands Metro Line 1"
    assert main(["scorecard", "--region", WMCA, "--scheme", "WMM_L1", "--period", "2015:2020"]) == 0
    csv = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(csv.loc[csv["indicator_id"].str.endswith("_change"), "period"]) == {"2015 to 2020"}


@pytest.mark.parametrize(("args", "message"), [
    (["--scheme", "nope"], "No scheme 'nope' in West Midlands"),
    (["--period", "2013:2031"], "Choose a year in that range"),
    (["--period", "twenty"], "not of the form START:END"),
    (["--distance", "12"], "out of range"),
    (["--overlays", "buses"], "is not a declared overlay"),
    (["--as-of", "2024-13-40"], "YYYY-MM-DD"),
])
def test_the_command_says_what_to_fix(args, message, capsys):
    from mapkit.cli import main

    assert main(["scorecard", "--region", WMCA, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_pack_has_one_scorecard_page_per_scheme_and_the_scorecard_csv():
    pypdf = pytest.importorskip("pypdf")
    from mapkit.analysis.map_data import prepare
    from mapkit.export import FigureOptions
    from mapkit.export.pack import pack_zip
    from mapkit.export.scorecard_pages import pack_scorecards, page_text
    from mapkit.view import View

    data = prepare(View(region=NORTHUMBERLAND, level="ward", indicator="imd_score",
                        overlays=("growth_locations", "transport_schemes")))
    found = pack_scorecards(data)
    assert [c.scheme.name for c in found] == ["Cambois AI data centre campus (QTS/Blackstone)", "Northumberland Line"]
    line = found[1]
    text = page_text(line)
    assert text.title == "Northumberland Line" and "no figure yet can show its effect" in text.effect
    assert text.residents.startswith(f"About {round(line.residents, -1):,.0f} residents (Census 2021) live within "
                                     "1 km of its")
    assert text.moved.headings == ("Share of residents whose LSOA", "This scheme", "North East", "England")
    into_10 = f"{100 * line.moves['scheme']['into_10_share']:.1f}%"
    assert text.moved.rows[0] == ("Moved into the most deprived 10%", into_10,
                                  f"{100 * line.moves['ca']['into_10_share']:.1f}%",
                                  f"{100 * line.moves['england']['into_10_share']:.1f}%")
    with zipfile.ZipFile(io.BytesIO(pack_zip(data, FigureOptions(dpi=72)))) as archive:
        names = archive.namelist()
        csv = pd.read_csv(io.BytesIO(archive.read(next(n for n in names if n.endswith("_scorecards.csv")))))
        pdf = pypdf.PdfReader(io.BytesIO(archive.read(next(n for n in names if n.endswith("_briefing.pdf")))))
    assert set(csv["scheme_name"]) == {"Cambois AI data centre campus (QTS/Blackstone)", "Northumberland Line"}
    pages = [" ".join(page.extract_text().split()) for page in pdf.pages]
    scorecard_pages = [p for p in pages if p.startswith(("Cambois AI", "Northumberland Line Scorecard"))]
    assert len(scorecard_pages) == 2
    last = pages[-1]
    assert last.startswith("Northumberland Line Scorecard. Transport schemes") and "no figure yet can show" in last
    assert into_10 in last and "Growth where it sits, 2013 to 2023" in last and "not an evaluation" in last
