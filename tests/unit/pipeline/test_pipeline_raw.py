"""The pipeline on the raw official files: reproducible, complete, and stopping clearly on bad input.

Needs ../shared/data/raw (skipped cleanly without it). Bad-input cases run on a copy of the raw folder with one
file damaged, and check that a failed build leaves an existing data/ folder untouched.
"""

import functools
import http.server
import threading

import geopandas as gpd
import pandas as pd
import pytest

from mapkit.pipeline import build_data
from mapkit.pipeline.raw import DEFAULT_RAW
from mapkit.data.products import DATA_DIR
from mapkit.errors import RawDataError

pytestmark = pytest.mark.skipif(not DEFAULT_RAW.is_dir(), reason=f"raw inputs not present at {DEFAULT_RAW}")
QUIET = functools.partial(build_data, log=lambda *_: None)


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    report = QUIET(raw=DEFAULT_RAW, out=out)
    return out, report


@pytest.mark.parametrize("product", ["boundaries/ca.parquet", "boundaries/lad.parquet", "boundaries/ward.parquet",
                                     "boundaries/lsoa.parquet", "hex/lad.parquet", "hex/ward.parquet",
                                     "hex/groups.parquet", "hex/labels.parquet"])
def test_rebuild_reproduces_shipped_boundaries(fresh_build, product):
    out, _ = fresh_build
    built, shipped = gpd.read_parquet(out / product), gpd.read_parquet(DATA_DIR / product)
    pd.testing.assert_frame_equal(built.drop(columns="geometry"), shipped.drop(columns="geometry"))
    assert built.geometry.geom_equals_exact(shipped.geometry, tolerance=0).all()


@pytest.mark.parametrize("level", ["ca", "lad", "ward", "lsoa"])
def test_rebuild_reproduces_shipped_indicator_values(fresh_build, level):
    out, _ = fresh_build
    pd.testing.assert_frame_equal(pd.read_parquet(out / "indicators" / f"{level}.parquet"),
                                  pd.read_parquet(DATA_DIR / "indicators" / f"{level}.parquet"))


def test_build_report_and_attribution_are_written(fresh_build):
    out, report = fresh_build
    assert (out / "ATTRIBUTION.md").read_text(encoding="utf-8") == (DATA_DIR / "ATTRIBUTION.md").read_text(
        encoding="utf-8")
    assert report["sources"]["iod2025.file7"]["sha256"].startswith("")
    assert not list(out.glob(".staging-*")), "the staging folder is removed"


def test_district_share_in_most_deprived_10pct_matches_mhclg_file1(fresh_build):
    """File 10's published share (4 dp, shown as a percentage) equals a count straight from MHCLG's File 1."""
    out, _ = fresh_build
    file1 = pd.read_excel(DEFAULT_RAW / "iod2025/File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx",
                          sheet_name="IMD25")
    lad_col, dec_col = file1.columns[2], file1.columns[5]
    expected = (file1[dec_col] == 1).groupby(file1[lad_col]).mean()
    built = pd.read_parquet(out / "indicators" / "lad.parquet")
    got = built[built["indicator"] == "imd_most_deprived_10pct"].set_index("code")["value"]
    diff = (got.sort_index() - 100 * expected.sort_index()).abs()
    assert len(got) == 296 and diff.max() <= 0.005 + 1e-9  # File 10 rounds the proportion to 4 dp


@pytest.fixture
def raw_copy(tmp_path):
    """A writable raw folder of symlinks; tests replace one link with a damaged file."""
    root = tmp_path / "raw"
    for src in DEFAULT_RAW.rglob("*"):
        if src.is_file():
            dest = root / src.relative_to(DEFAULT_RAW)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.symlink_to(src)
    return root


def _replace(raw_root, rel, content: bytes):
    path = raw_root / rel
    path.unlink()
    path.write_bytes(content)


def _rename_column(raw_root, rel, old, new):
    text = (DEFAULT_RAW / rel).read_text(encoding="utf-8-sig")
    header, rest = text.split("\n", 1)
    _replace(raw_root, rel, (header.replace(old, new) + "\n" + rest).encode("utf-8"))


def _wrong_crs(raw_root):
    rel = "cauth_may2025_bsc/CAUTH_MAY_2025_EN_BSC.geojson"
    frame = gpd.read_file(DEFAULT_RAW / rel).to_crs(27700).set_crs(4326, allow_override=True)
    (raw_root / rel).unlink()
    frame.to_file(raw_root / rel, driver="GeoJSON")


def _unjoined_codes(raw_root):
    rel = "lookups/LAD24_RGN24_EN_LU.csv"
    frame = pd.read_csv(DEFAULT_RAW / rel, dtype=str)
    frame.loc[frame["LAD24CD"] == "E08000025", "LAD24CD"] = "E08999999"
    (raw_root / rel).unlink()
    frame.to_csv(raw_root / rel, index=False)


BAD_INPUTS = {
    "missing file": (lambda r: (r / "iod2025/IoD2025_LSOA21_scores_ranks_deciles_File7_columns.csv").unlink(),
                     r"Raw file for 'File 7: all ranks.*not found at .*Download it from https://assets"),
    "renamed column": (lambda r: _rename_column(r, "census2021/census2021-ts001-lsoa_usual_residents_sum_of_OA.csv",
                                                "Residence type: Total; measures: Value", "Total residents"),
                       r"column\(s\) 'Residence type: Total; measures: Value' not found"),
    "corrupt boundary file": (lambda r: _replace(r, "wards_may2024_bsc/WD_MAY_2024_UK_BSC.gpkg", b"\x00garbage" * 50),
                              r"WD_MAY_2024_UK_BSC.gpkg: cannot be read as a GeoJSON/GeoPackage"),
    "wrong crs": (_wrong_crs, r"coordinates fall outside Great Britain when read as EPSG:4326"),
    "codes that do not join": (_unjoined_codes, r"do not match the December 2024 district lookup.*E08000025"),
    "truncated csv": (lambda r: _replace(r, "lookups/LAD24_CAUTH25_EN_derived_spatial.csv", b""),
                      r"LAD24_CAUTH25_EN_derived_spatial.csv: not a readable CSV"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_stops_the_build_and_keeps_good_products(raw_copy, tmp_path, case):
    damage, message = BAD_INPUTS[case]
    damage(raw_copy)
    out = tmp_path / "data"
    (out / "boundaries").mkdir(parents=True)
    good = out / "boundaries" / "ca.parquet"
    good.write_bytes(b"previous good product")
    with pytest.raises(RawDataError, match=message):
        QUIET(raw=raw_copy, out=out)
    assert good.read_bytes() == b"previous good product"
    assert not list(out.glob(".staging-*"))


def test_missing_raw_folder_is_explained(tmp_path):
    with pytest.raises(RawDataError, match="Raw folder .* does not exist. Pass --raw DIR"):
        QUIET(raw=tmp_path / "nowhere", out=tmp_path / "out")


@pytest.fixture
def raw_server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(DEFAULT_RAW))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_path_fetches_into_cache_and_builds(raw_server, tmp_path, fresh_build):
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    report = QUIET(out=out, download=True, mirror=raw_server, cache=cache)
    assert (cache / "iod2025/IoD2025_LSOA21_scores_ranks_deciles_File7_columns.csv").is_file()
    assert not list(cache.rglob("*.part"))
    _, local_report = fresh_build
    assert {k: v["sha256"] for k, v in report["sources"].items()} == {
        k: v["sha256"] for k, v in local_report["sources"].items()}
    pd.testing.assert_frame_equal(pd.read_parquet(out / "indicators" / "lad.parquet"),
                                  pd.read_parquet(fresh_build[0] / "indicators" / "lad.parquet"))


def test_download_failure_names_the_source(tmp_path):
    with pytest.raises(RawDataError, match=r"Could not download .* from http://127.0.0.1:9/"):
        QUIET(out=tmp_path / "out", download=True, mirror="http://127.0.0.1:9", cache=tmp_path / "c")
