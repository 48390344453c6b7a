"""Postcode lookup on the shipped product; the raw-file checks skip when ../shared is missing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mapkit.data import postcodes
from mapkit.errors import ProductError
from mapkit.pipeline.postcodes import SIZE_BUDGET_BYTES
from mapkit.pipeline.raw import DEFAULT_RAW

RAW = DEFAULT_RAW / "postcodes" / "postcode_lsoa21_england.parquet"
needs_raw = pytest.mark.skipif(not RAW.is_file(), reason="raw postcode file (../shared) not available")


@pytest.mark.parametrize("text", ["B9 5RP", "b95rp", " b9  5rp ", "B9-5RP"])
def test_any_spacing_or_case_is_the_same_postcode(text: str) -> None:
    assert postcodes.formatted(text) == "B9 5RP"
    assert postcodes.lookup(text).postcode == "B9 5RP"


def test_b9_5rp_lies_in_its_lsoa_ward_district_and_combined_authority() -> None:
    # As in the raw file (SOURCES.md 12): B9 5RP -> E01009331 by lsoa11_unique; Code-Point puts it in ward
    # E05011127 and district E08000025, which our LSOA lookups give too.
    found = postcodes.lookup("B9 5RP")
    assert (found.lsoa_code, found.lsoa_name) == ("E01009331", "Birmingham 139D")
    assert (found.ward_code, found.ward_name) == ("E05011127", "Bordesley Green")
    assert (found.lad_code, found.lad_name) == ("E08000025", "Birmingham")
    assert (found.ca_code, found.ca_name) == ("E47000007", "West Midlands")
    assert found.region == "E47000007"
    assert (found.easting, found.northing) == (410484, 286677)
    assert found.lat == pytest.approx(52.4779, abs=1e-3) and found.lon == pytest.approx(-1.8471, abs=1e-3)
    assert found.method == "lsoa11_unique" and found.caveat is None


@pytest.mark.parametrize("postcode, method", [("AL1 1NU", "lsoa11_split_nearest_oa21_pwc"),
                                              ("AL1 1AX", "not_in_may22_nearest_oa21_pwc_in_lad")])
def test_nearest_output_area_postcodes_carry_the_caveat(postcode: str, method: str) -> None:
    found = postcodes.lookup(postcode)
    assert found.method == method
    assert "nearest Output Area" in found.caveat and "neighbouring" in found.caveat


def test_a_postcode_without_coordinates_or_lsoa_is_missing_not_invented() -> None:
    found = postcodes.lookup("BD98 1GA")
    assert found is not None
    assert (found.lsoa_code, found.lat, found.easting, found.region) == (None, None, None, None)
    assert "no LSOA" in found.caveat


@pytest.mark.parametrize("text", ["ZZ1 1ZZ", "B9 5ZZ", "nonsense", "", "B9 5RPX", "<b>B9</b>"])
def test_unknown_or_malformed_postcodes_find_nothing(text: str) -> None:
    assert postcodes.lookup(text) is None


def test_a_partial_postcode_lists_sectors_then_outward_codes() -> None:
    found = postcodes.partial("b9")
    prefixes = [o.prefix for o in found]
    assert prefixes[:3] == ["B9 4", "B9 5", "B9 9"]
    assert "B90" in prefixes and all(p.startswith("B9") for p in prefixes)
    assert sum(o.count for o in found if o.prefix.startswith("B9 ")) == 406
    assert postcodes.partial("B9 5")[0].prefix == "B9 5"
    assert postcodes.partial("ZZ9") == [] and postcodes.partial("9B") == []


def test_the_shipped_product_is_within_its_size_budget() -> None:
    path = Path(postcodes.__file__).resolve().parents[2] / "data" / postcodes.PRODUCT
    assert path.stat().st_size < SIZE_BUDGET_BYTES <= 20 * 1024 * 1024
    index = postcodes.postcode_index()
    assert len(index.keys) == 1_489_907
    assert bool((index.keys[:-1] < index.keys[1:]).all())


def test_a_missing_product_says_how_to_rebuild_it(tmp_path: Path) -> None:
    with pytest.raises(ProductError, match="missing.*build-data"):
        postcodes.postcode_index(tmp_path)


@needs_raw
def test_the_product_keeps_every_raw_row_and_value() -> None:
    raw = pd.read_parquet(RAW, columns=["pcds", "easting", "northing", "lsoa21cd", "lsoa21_method"])
    sample = raw.sample(500, random_state=13)
    for row in sample.itertuples():
        found = postcodes.lookup(row.pcds)
        assert found.lsoa_code == (None if pd.isna(row.lsoa21cd) else row.lsoa21cd)
        assert found.method == (None if pd.isna(row.lsoa21_method) else row.lsoa21_method)
        if row.easting or row.northing:
            assert (found.easting, found.northing) == (row.easting, row.northing)


def test_full_width_postcodes_normalise_to_the_same_postcode():
    assert postcodes.normalise("Ｂ９　５ＲＰ") == "B95RP" and postcodes.formatted("ｂ９－５ｒｐ") == "B9 5RP"
    assert postcodes.lookup("Ｂ９　５ＲＰ") == postcodes.lookup("B9 5RP") is not None
