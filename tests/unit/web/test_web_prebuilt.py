"""Web geometry encoded at data-build time (mapkit.web.prebuilt): the same payload as encoding afresh, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mapkit
from mapkit.web.encode import PARENT_NAME_COLUMN, encode_geometry
from mapkit.web import prebuilt
from mapkit.web.build_web import build_web_geometry
from mapkit.web.encode import GeometryPayload
from mapkit.web.prebuilt import prebuilt_geometry

WMCA, COVENTRY = "E47000007", "E08000026"


@pytest.mark.parametrize(("level", "region"), [("ward", WMCA), ("lsoa", COVENTRY), ("lad", mapkit.ENGLAND),
                                               ("ca", mapkit.ENGLAND), ("ward", mapkit.ENGLAND)])
def test_shipped_prebuilt_geometry_equals_encoding_afresh(level: str, region: str) -> None:
    built = prebuilt_geometry(level, region)
    assert built is not None, "data/web/ is missing or stale: run python -m mapkit build-web"
    found = GeometryPayload(*built)
    fresh = encode_geometry(mapkit.load_boundaries(level, region), parent_column=PARENT_NAME_COLUMN[level])
    assert found.codes == fresh.codes and found.json == fresh.json and found.version == fresh.version
    assert found.bounds == fresh.bounds


def test_outlines_have_no_parent_names() -> None:
    found = prebuilt_geometry("lad", WMCA, parent_names=False)
    assert found is not None and found[1] == encode_geometry(mapkit.load_boundaries("lad", WMCA)).json


def test_prebuilt_files_built_from_other_boundaries_are_not_used(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "boundaries").mkdir(parents=True)
    for level in ("ca", "lad"):
        shutil.copy(mapkit.data.products.DATA_DIR / "boundaries" / f"{level}.parquet", data / "boundaries")
    assert prebuilt_geometry("ca", mapkit.ENGLAND, data_dir=data) is None  # no file: encode instead
    (data / "web").mkdir()
    prebuilt._table.cache_clear()  # a process reads each level's file once
    shutil.copy(mapkit.data.products.DATA_DIR / "web" / "ca.parquet", data / "web")
    assert prebuilt_geometry("ca", mapkit.ENGLAND, data_dir=data) is not None
    (data / "web" / "lad.parquet").write_bytes(b"damaged")
    assert prebuilt_geometry("lad", WMCA, data_dir=data) is None
    shutil.copy(mapkit.data.products.DATA_DIR / "web" / "ca.parquet", data / "web" / "lad.parquet")  # wrong source
    prebuilt._table.cache_clear()
    assert prebuilt_geometry("lad", WMCA, data_dir=data) is None


def test_build_writes_one_file_per_level(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(mapkit.data.products.DATA_DIR / "boundaries", data / "boundaries")
    shutil.copy(mapkit.data.products.DATA_DIR / "build_report.json", data)
    written = build_web_geometry(data)
    assert sorted(p.name for p in written) == ["ca.parquet", "lad.parquet", "lsoa.parquet", "ward.parquet"]
    assert prebuilt_geometry("ward", WMCA, data_dir=data) == prebuilt_geometry("ward", WMCA)
