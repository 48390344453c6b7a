"""The IoD summary measures on a hand-made fixture whose expected values are worked out in the comments."""

import pandas as pd
import pytest

from mapkit.pipeline import aggregate

# Three groups of LSOAs; national ranks out of 1,000 LSOAs (so percentile = ceil(rank / 10)).
FIXTURE = pd.DataFrame(
    [
        # group, score, rank, decile, population
        ("A", 40.0, 50, 1, 100),    # percentile 5   -> extent weight 1
        ("A", 10.0, 150, 2, 300),   # percentile 15  -> 0.95 - 0.9/19*4
        ("B", 20.0, 290, 3, 200),   # percentile 29  -> 0.95 - 0.9/19*18
        ("B", 5.0, 500, 5, 200),    # percentile 50  -> 0
        ("C", 60.0, 10, 1, 10),
        ("C", 30.0, 30, 1, 100),
    ],
    columns=["group", "score", "rank", "decile", "pop"],
)


def _by_group(frame: pd.DataFrame) -> dict:
    return frame.set_index("code")["value"].to_dict()


def test_population_weighted_average_score():
    got = _by_group(aggregate.weighted_mean(FIXTURE, value="score", weight="pop", by="group"))
    assert got["A"] == pytest.approx((40 * 100 + 10 * 300) / 400)  # 17.5
    assert got["B"] == pytest.approx((20 * 200 + 5 * 200) / 400)  # 12.5
    assert got["C"] == pytest.approx((60 * 10 + 30 * 100) / 110)


def test_population_weighted_average_rank_in_mhclg_direction():
    # MHCLG inverts LSOA ranks (N + 1 - rank) before averaging, so the more deprived group scores higher.
    inverted = FIXTURE.assign(inv=aggregate.deprivation_rank(FIXTURE["rank"], 1000))
    got = _by_group(aggregate.weighted_mean(inverted, value="inv", weight="pop", by="group"))
    assert got["A"] == pytest.approx((951 * 100 + 851 * 300) / 400)  # 876
    assert got["C"] > got["A"] > got["B"]


@pytest.mark.parametrize("max_decile, expected", [(1, {"A": 0.5, "B": 0.0, "C": 1.0}),
                                                  (2, {"A": 1.0, "B": 0.0, "C": 1.0})])
def test_share_of_lsoas_in_most_deprived(max_decile, expected):
    frame = aggregate.share_in_deciles(FIXTURE, decile="decile", max_decile=max_decile, by="group")
    assert _by_group(frame) == pytest.approx(expected)
    assert frame.set_index("code")["denominator"].to_dict() == {"A": 2, "B": 2, "C": 2}


def test_extent_uses_mhclg_sliding_weights():
    w15 = 0.95 - 0.9 / 19 * 4
    w29 = 0.95 - 0.9 / 19 * 18
    got = _by_group(aggregate.extent(FIXTURE, rank="rank", weight="pop", by="group", n_national=1000))
    assert got["A"] == pytest.approx((100 * 1 + 300 * w15) / 400)
    assert got["B"] == pytest.approx((200 * w29 + 200 * 0) / 400)
    assert got["C"] == pytest.approx(1.0)


@pytest.mark.parametrize("rank, weight", [(100, 1.0), (101, 0.95), (300, 0.05), (301, 0.0), (1, 1.0)])
def test_extent_weight_boundaries(rank, weight):
    assert aggregate.extent_weight(pd.Series([rank]), 1000).iloc[0] == pytest.approx(weight)


def test_local_concentration_takes_exactly_ten_percent_of_population():
    inverted = FIXTURE.assign(inv=aggregate.deprivation_rank(FIXTURE["rank"], 1000))
    got = _by_group(aggregate.local_concentration(inverted, rank="inv", weight="pop", by="group"))
    assert got["A"] == pytest.approx(951)  # 10% of 400 = 40 people, all in the rank-50 LSOA (inverted 951)
    assert got["B"] == pytest.approx(711)
    # 10% of 110 = 11 people: all 10 of the rank-10 LSOA (991), then 1 person of the rank-30 LSOA (971).
    assert got["C"] == pytest.approx((10 * 991 + 1 * 971) / 11)


def test_deprivation_rank_is_n_plus_one_minus_rank():
    assert aggregate.deprivation_rank(pd.Series([1, 33755]), 33755).tolist() == [33755.0, 1.0]


def test_counts_sum_exactly_and_rates_use_summed_denominators():
    frame = pd.DataFrame({"g": ["x", "x", "y"], "n": [3, 4, 0], "d": [10, 20, 0]})
    got = aggregate.sum_counts(frame, numerator="n", denominator="d", by="g").set_index("code")
    assert got.loc["x", "numerator"] == 7 and got.loc["x", "denominator"] == 30
    assert got.loc["x", "value"] == pytest.approx(7 / 30)
    assert pd.isna(got.loc["y", "value"])  # 0/0 is no data, not zero
