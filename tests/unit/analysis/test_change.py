"""Change between editions: IoD2019 -> IoD2025 movement and Census 2011 -> 2021 (docs/change_method.md).

The split/merge rule is checked on small hand-made lookups; the shipped products against the raw files (skipped
without ../shared) and against themselves (areas equal the sum of their LSOAs); change maps are split at zero.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mapkit
from mapkit.analysis.classify import classify_indicator, compute_centred_breaks
from mapkit.specs.palettes import PALETTES, class_colours, diverging_colours
from mapkit.pipeline.movement import census_change, compare_iod, lookup_groups, movement_summary
from mapkit.analysis.map_data import prepare
from mapkit.view import View

RAW = Path(__file__).resolve().parents[4] / "shared" / "data" / "raw"
needs_raw = pytest.mark.skipif(not (RAW / "iod2019").is_dir(), reason="raw inputs (../shared) not available")
WMCA = "E47000007"

# 2011 LSOAs a..h; 2021 LSOAs: U1 = a unchanged; S1, S2 split from b; M1 merged from c, d (same decile);
# M2 merged from e, f (different deciles); X1, X2 redrawn from g, h.
LOOKUP = pd.DataFrame({
    "code11": ["a", "b", "b", "c", "d", "e", "f", "g", "g", "h"],
    "change": ["U", "S", "S", "M", "M", "M", "M", "X", "X", "X"],
    "code": ["U1", "S1", "S2", "M1", "M1", "M2", "M2", "X1", "X2", "X2"],
})
OLD = pd.DataFrame({"code11": list("abcdefgh"), "rank": [100, 900, 1500, 1600, 50, 2000, 10, 20],
                    "decile": [1, 5, 8, 8, 1, 10, 1, 1]})
NEW = pd.DataFrame({"code": ["U1", "S1", "S2", "M1", "M2", "X1", "X2"], "rank": [1500, 100, 1800, 1700, 5, 6, 7],
                    "decile": [8, 1, 9, 9, 1, 1, 1]})


@pytest.fixture(scope="module")
def compared() -> pd.DataFrame:
    return compare_iod(LOOKUP, OLD, NEW).set_index("code")


def test_unchanged_lsoas_are_compared_directly(compared):
    row = compared.loc["U1"]
    assert (row["rank_old"], row["decile_old"], row["decile_change"]) == (100, 1, 7)
    assert row["pct_change"] == pytest.approx(100 * (1500 / 7 - 100 / 8))
    assert row["net_10"] == -1 and row["net_20"] == -1  # left the most deprived 10% and 20%


def test_split_lsoas_inherit_their_parents_rank_and_decile(compared):
    for code in ("S1", "S2"):
        assert compared.loc[code, "rank_old"] == 900 and compared.loc[code, "decile_old"] == 5
        assert "Split from 2011 LSOA b" in compared.loc[code, "reason"]
    assert compared.loc["S1", "net_10"] == 1 and compared.loc["S2", "net_10"] == 0


def test_merged_lsoas_compare_deciles_only_when_every_part_shares_one(compared):
    same = compared.loc["M1"]
    assert same["comparable"] and same["decile_old"] == 8 and np.isnan(same["rank_old"])
    assert np.isnan(same["pct_change"]) and same["decile_change"] == 1
    differ = compared.loc["M2"]
    assert not differ["comparable"] and np.isnan(differ["net_10"]) and np.isnan(differ["decile_change"])
    assert "e (decile 1), f (decile 10)" in differ["reason"]


def test_redrawn_lsoas_are_not_compared(compared):
    for code in ("X1", "X2"):
        assert not compared.loc[code, "comparable"] and "change type X" in compared.loc[code, "reason"]
    assert int((~compared["comparable"]).sum()) == 3


def test_area_counts_add_up_over_their_lsoas(compared):
    frame = compared.reset_index()
    area = frame["code"].map({"U1": "W1", "S1": "W1", "S2": "W2", "M1": "W2", "M2": "W2", "X1": "W1", "X2": "W2"})
    summary = movement_summary(frame, area).set_index("code")
    assert summary.loc["W1"].to_dict() == {"lsoas": 3, "comparable": 2, "into_10": 1, "out_10": 1, "into_20": 1,
                                           "out_20": 1, "not_comparable": 1}
    assert summary.loc["W2", "not_comparable"] == 2 and summary.loc["W2", "into_10"] == 0
    net = frame.groupby(area)["net_10"].sum()
    assert (summary["into_10"] - summary["out_10"]).to_dict() == net.to_dict()


def test_lookup_groups_join_lsoas_that_cover_the_same_ground():
    groups = lookup_groups(LOOKUP).drop_duplicates("code").set_index("code")["group"]
    assert groups["S1"] == groups["S2"] and groups["X1"] == groups["X2"]
    assert len({groups["U1"], groups["S1"], groups["M1"], groups["M2"], groups["X1"]}) == 5


def test_census_change_sums_the_same_ground_in_both_years():
    old = pd.DataFrame({"code11": list("abcdefgh"), "numerator": [10, 20, 5, 5, 1, 1, 3, 3],
                        "denominator": [100, 200, 50, 50, 10, 10, 30, 30]})
    new = pd.DataFrame({"code": ["U1", "S1", "S2", "M1", "M2", "X1", "X2"], "numerator": [5, 10, 10, 20, 2, 1, 1],
                        "denominator": [100, 100, 100, 100, 20, 10, 10]})
    areas = pd.DataFrame({"code": ["U1", "S1", "S2", "M1", "M2", "X1", "X2"],
                          "ward": ["W1", "W1", "W2", "W2", "W2", "W2", "W2"]})
    lsoa = census_change(LOOKUP, old, new, areas, None).set_index("code")
    assert sorted(lsoa.index) == ["M1", "M2", "U1"]  # unchanged and merged only
    assert lsoa.loc["U1", "value"] == pytest.approx(5.0 - 10.0)
    assert lsoa.loc["M1", "value"] == pytest.approx(20.0 - 10.0)  # 20/100 against (5+5)/(50+50)
    assert "2011: 10.0% (10 of 100 households); 2021: 5.0% (5 of 100)" in lsoa.loc["U1", "note"]
    ward = census_change(LOOKUP, old, new, areas, "ward").set_index("code")
    # b's split straddles W1 and W2, so S1 and S2 are left out of both wards, in both years
    assert ward.loc["W1", "value"] == pytest.approx(100 * (5 / 100 - 10 / 100))
    assert ward.loc["W2", "value"] == pytest.approx(100 * ((20 + 2 + 2) / 140 - (10 + 2 + 6) / 180))
    assert ward.loc["W2", "numerator"] == 24 and "1 of its 5 LSOAs left out" in ward.loc["W2", "note"]


def test_change_breaks_never_mix_falls_and_rises():
    values = np.array([-5, -3, -1, 0, 0, 0, 2, 4, 6, 8, 10])
    upper = compute_centred_breaks(values, "quantiles", 5)
    assert 0.0 in upper and all(u != 0 for u in upper if -1 < u < 0)
    classes = np.searchsorted(np.asarray(upper), values, side="left")
    assert set(classes[values < 0]).isdisjoint(classes[values >= 0])
    assert set(classes[values > 0]).isdisjoint(classes[values <= 0])


def test_diverging_colours_put_the_worse_side_on_the_dark_end():
    ramp = PALETTES["RdBu"]
    upper = (-2.0, -1.0, 0.0, 1.0, 2.0)
    worse_up = diverging_colours(ramp, upper, "worse")
    assert worse_up == class_colours(ramp, 5, "worse", upper, 0.0)
    assert worse_up[::-1] == diverging_colours(ramp, upper, "better")
    red, blue = worse_up[-1], worse_up[0]
    assert int(red[1:3], 16) > int(red[5:7], 16) and int(blue[5:7], 16) > int(blue[1:3], 16)
    assert worse_up[2] == diverging_colours(ramp, (0.0,), "worse")[0]  # no change: the ramp's midpoint


def test_declarations_warn_that_scores_are_not_comparable():
    reg = mapkit.registry()
    movement = [s for s in reg.indicators.values() if s.method == "iod_movement"]
    assert len(movement) == 8
    for spec in movement:
        assert "not comparable between editions" in spec.description and spec.source == "iod2019"
    assert reg.indicator("imd_change_net_10pct").higher_is == "worse"
    assert reg.indicator("imd_change_decile").higher_is == "better"


# ---- shipped data ---------------------------------------------------------------------------------------------

def _table(indicator: str, level: str) -> pd.DataFrame:
    return mapkit.indicator_table(indicator, level).set_index("code")


def test_shipped_ward_and_ca_figures_equal_the_sum_over_their_lsoas():
    lsoas = mapkit.load_boundaries("lsoa", WMCA)[["code", "ward_code", "ca_code"]].set_index("code")
    for indicator in ("imd_change_net_10pct", "imd_change_net_20pct"):
        net = _table(indicator, "lsoa")["value"].reindex(lsoas.index)
        wards = _table(indicator, "ward")["value"]
        for ward, total in net.groupby(lsoas["ward_code"]).sum().items():
            assert wards[ward] == total, (indicator, ward)
        assert _table(indicator, "ca").loc[WMCA, "value"] == net.sum()
    into = _table("imd_change_into_10pct", "ca").loc[WMCA]
    assert into["numerator"] == (_table("imd_change_net_10pct", "lsoa")["value"].reindex(lsoas.index) == 1).sum()
    assert into["value"] == pytest.approx(100 * into["numerator"] / into["denominator"])


def test_shipped_not_comparable_counts_are_stated():
    lsoa = _table("imd_change_net_10pct", "lsoa")
    missing = lsoa["value"].isna()
    assert int(missing.sum()) == 75  # 69 merged LSOAs whose parts differ in 2019 decile + 6 redrawn
    assert lsoa.loc[missing, "note"].str.startswith("Not comparable").all()
    england = int(_table("imd_change_net_10pct", "ca")["note"].str.extract(r"(\d+) of its")[0].astype(float)
                  .fillna(0).sum())
    lsoas = mapkit.load_boundaries("lsoa")[["code", "ca_code"]]
    assert england == int(missing[lsoas.loc[lsoas["ca_code"].notna(), "code"]].sum())


def test_shipped_census_change_states_both_years():
    row = _table("households_deprived_2plus_change", "ca").loc[WMCA]
    counts = [int(x.replace(",", "")) for x in re.findall(r"\(([\d,]+) of ([\d,]+)", row["note"]) for x in x]
    assert row["value"] == pytest.approx(100 * (counts[2] / counts[3] - counts[0] / counts[1]))
    assert (row["numerator"], row["denominator"]) == (counts[2], counts[3])
    assert row["value"] < 0  # fewer households deprived in 2+ dimensions in 2021 than 2011


@needs_raw
def test_shipped_lsoa_movement_equals_the_raw_files():
    old = pd.read_csv(RAW / "iod2019" / "IoD2019_LSOA11_ranks_deciles_File7_columns.csv").set_index(
        "LSOA code (2011)")
    new = pd.read_csv(RAW / "iod2025" / "IoD2025_LSOA21_scores_ranks_deciles_File7_columns.csv").set_index(
        "LSOA code (2021)")
    dec = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
    rank = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
    decile = _table("imd_change_decile", "lsoa")
    pct = _table("imd_change_percentile", "lsoa")
    lookup = pd.read_csv(RAW / "lookups" / "LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)
    unchanged = lookup.loc[(lookup["CHGIND"] == "U") & lookup["LSOA21CD"].str.startswith("E"), "LSOA21CD"]
    for code in ["E01000001", *unchanged.sample(50, random_state=1)]:
        assert decile.loc[code, "value"] == new.loc[code, dec] - old.loc[code, dec]
        expected = 100 * (new.loc[code, rank] / 33_755 - old.loc[code, rank] / 32_844)
        assert pct.loc[code, "value"] == pytest.approx(expected)
        stated = f"IoD2019 rank {old.loc[code, rank]:,} of 32,844, decile {old.loc[code, dec]}"
        assert stated in decile.loc[code, "note"]
    england = lookup[lookup["LSOA21CD"].str.startswith("E")]
    redrawn = england.loc[england["CHGIND"] == "X", "LSOA21CD"].unique()
    merged = england[england["CHGIND"] == "M"].assign(d=lambda f: f["F_LSOA11CD"].map(old[dec]))
    differ = merged.groupby("LSOA21CD")["d"].nunique().gt(1)
    assert decile["value"].isna().sum() == len(redrawn) + int(differ.sum())
    assert pct["value"].isna().sum() == len(redrawn) + merged["LSOA21CD"].nunique()


def test_change_map_classes_split_at_zero():
    frame = mapkit.load_indicator("imd_change_net_10pct", "ward", WMCA)
    classes = classify_indicator(frame, "imd_change_net_10pct", "ward", WMCA, scheme_name="quantiles", k=5,
                                 breaks_from="region", region_label="West Midlands")
    assert classes.centre == 0.0 and "No change" in classes.labels
    zero = classes.labels.index("No change")
    values = frame["value"].to_numpy()
    assert set(classes.classes[values == 0]) == {zero}
    assert (classes.classes[values > 0] > zero).all() and (classes.classes[values < 0] < zero).all()
    assert "split at +0 (no change)" in classes.reference


def test_change_legend_names_its_sides_and_change_has_no_national_deciles():
    from mapkit.web import choropleth

    spec = mapkit.registry().indicator("imd_change_net_10pct")
    frame = mapkit.load_indicator(spec.id, "ward", WMCA)
    classes = classify_indicator(frame, spec.id, "ward", WMCA, scheme_name="quantiles", k=5, breaks_from="england",
                                 region_label="West Midlands")
    ramp = PALETTES[spec.palette]
    colours = class_colours(ramp, classes.k, spec.higher_is, classes.upper, classes.centre)
    text = choropleth.map_text(spec, "ward", "West Midlands")
    legend = choropleth.legend_html(spec, classes, colours, ramp.no_data, text)
    assert "Middle colour = no change; warm (red or orange) = higher than the middle = worse" in legend
    assert "No change" in legend
    on_reds = prepare(View(region=WMCA, level="ward", indicator=spec.id, palette="Reds"))
    assert on_reds.classification.centre_label == ""  # a one-hue palette has no middle colour to name
    sequential = choropleth.legend_html(spec, on_reds.classification, on_reds.colours, ramp.no_data, text)
    assert "Darker = higher = worse" in sequential
    # most wards tie at no change, so national deciles of a change would mislead: none are shipped
    assert mapkit.indicator_table(spec.id, "ward")["decile"].isna().all()
