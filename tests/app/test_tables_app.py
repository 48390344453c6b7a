"""Issue 26 on the page (AppTest): downloads (mapkit.app.downloads) in the tidy schema with an Excel twin, the
profile's fixed 0-100 position axis and single England median, "percentage points" for a gap between two
percentages, ONS's notes beside a series, rank wording per indicator, the comparison's empty columns folded into a
note, and the "not on the map" list worded for readers."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

import mapkit
from mapkit.app.cached import table_file
from mapkit.data import overlays

APP = str(Path(__file__).resolve().parents[2] / "app.py")
WMCA, BROMSGROVE, BIRMINGHAM, MANCHESTER = "E47000007", "E07000234", "E08000025", "E08000003"


def start(query: dict[str, str], tab: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.run()
    if tab:
        at.session_state["w_tab"] = tab
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_the_profile_axis_runs_0_to_100_and_names_rank_1_per_indicator() -> None:
    at = start({"region": mapkit.ENGLAND, "level": "lad", "indicator": "imd_score", "area": BROMSGROVE})
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    (position,) = [c for c in charts if c.get("encoding", {}).get("x", {}).get("field") == "position"]
    assert position["encoding"]["x"]["scale"]["domain"] == [0, 100]  # Bromsgrove's positions are all under 50
    assert position["encoding"]["x"]["title"] == ["Position in England", "(100 = most deprived, 0 = least deprived)"]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Rank 1 = most deprived.") for c in captions)
    assert not any(re.search(r"\bworst\b", c) for c in captions)
    table = next(d.value for d in at.dataframe if "Indicator" in d.value.columns)
    medians = [c for c in table.columns if c.startswith("Median")]
    assert medians == ["Median of England's districts"]  # region England: one median, not two
    assert "Rank in England" in table.columns and not any(c.startswith("Rank in England ") for c in table.columns)
    ones = dict(zip(table["Indicator"], table["Rank 1 ="]))
    assert ones["IMD score"] == "most deprived" and ones["Usual residents"] == "highest"


def test_a_regions_profile_names_its_median_and_englands_apart() -> None:
    at = start({"region": WMCA, "level": "ward", "indicator": "imd_score", "area": "E05011132"})
    table = next(d.value for d in at.dataframe if "Indicator" in d.value.columns)
    assert [c for c in table.columns if c.startswith("Median")] == ["Median of wards in West Midlands",
                                                                    "Median of England's wards"]


def test_a_change_reads_against_england_in_percentage_points_with_onss_notes() -> None:
    at = start({"region": WMCA, "level": "lad", "indicator": "gdhi_per_head", "change": "2013:2023"})
    table = next(d for d in at.dataframe if "gap" in d.value.columns)
    assert "Against England (percentage points)" in table.proto.columns and "Against England (%)" not in (
        table.proto.columns)
    notes = [e for e in at.expander if e.label.startswith("Notes on this series")]
    assert notes
    text = " ".join(m.value for m in notes[0].markdown)
    assert "Figures for 2023 are provisional" in text and "Notes from Office for National Statistics" in text
    assert labels(at)[-2:] == ["Download the table (CSV)", "Download the table (Excel, with sources)"]


def test_an_areas_series_shows_onss_notes_beside_its_chart() -> None:
    at = start({"region": WMCA, "level": "lad", "indicator": "median_weekly_pay", "area": BIRMINGHAM})
    notes = [e for e in at.expander if e.label.startswith("Notes on this series")]
    assert notes and any("provisional" in m.value for m in notes[0].markdown)


def test_the_comparison_folds_empty_columns_and_offers_csv_and_excel() -> None:
    at = start({"region": mapkit.ENGLAND, "level": "lad", "indicator": "imd_score",
                "compare_areas": f"{BIRMINGHAM},{MANCHESTER}"}, tab="Compare areas")
    wide = at.table[0].value
    assert "England" not in wide.columns and not any("(region)" in c for c in wide.columns)  # MHCLG publishes none
    assert list(wide.columns[:2]) == ["Birmingham", "Manchester"]
    assert any("MHCLG publishes IoD2025 figures for LSOAs and local authority districts" in c.value
               for c in at.caption)
    ranks = at.table[1].value
    assert list(ranks.columns[:1]) == ["Rank 1 ="] and set(ranks["Rank 1 ="]) == {"most deprived"}
    assert "Download the comparison, every theme (CSV)" in labels(at)
    assert "Download the comparison, every theme (Excel, with sources)" in labels(at)


def test_the_files_behind_the_buttons_are_tidy() -> None:
    csv = table_file("compare", ((BIRMINGHAM, MANCHESTER), "lad"), "csv").decode("utf-8")
    assert csv.startswith("area_code,area_name,area_level,indicator_id,indicator,period,value,unit,")
    book = table_file("indicator", ("imd_score", "ward", WMCA), "xlsx")
    assert book[:2] == b"PK"


def test_features_left_off_the_map_are_listed_for_readers() -> None:
    at = start({"overlays": "growth_locations"}, tab="Who lives near the overlays")
    lists = [d.value for d in at.dataframe if "Why not mapped" in d.value.columns]
    assert lists and "Notes" not in lists[0].columns
    assert set(lists[0]["Why not mapped"]) == {overlays.NOT_MAPPED_REASON}
