"""A missing or damaged product in the data folder gives a page naming the file and the rebuild command, not a
traceback. The app is pointed at a copy of ``data/`` (``MAPKIT_DATA_DIR``) with one file broken."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import mapkit
from mapkit.data.products import DATA_DIR, DATA_DIR_ENV, default_data_dir

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _missing(path: Path) -> None:
    path.unlink()


def _garbage(path: Path) -> None:
    path.write_bytes(b"PAR1 this is not a parquet file")


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path) -> None:
    path.unlink()
    path.write_bytes(b"")


def _column_lost(path: Path) -> None:
    frame = pd.read_parquet(path)
    path.unlink()
    frame.drop(columns=["value"]).to_parquet(path)


def _no_rows(path: Path) -> None:
    frame = pd.read_parquet(path)
    path.unlink()
    frame.iloc[:0].to_parquet(path)


DAMAGE: list[tuple[str, str, Callable[[Path], None], str]] = [
    ("missing indicators", "indicators/ward.parquet", _missing, "is missing"),
    ("missing boundaries", "boundaries/lad.parquet", _missing, "is missing"),
    ("garbage", "boundaries/ca.parquet", _garbage, "is damaged"),
    ("truncated", "boundaries/ward.parquet", _truncated, "is damaged"),
    ("empty file", "indicators/ward.parquet", _empty, "is damaged"),
    ("column lost", "indicators/ward.parquet", _column_lost, r"is damaged \(column\(s\) value are missing\)"),
    ("no rows", "indicators/ward.parquet", _no_rows, r"is damaged \(it has no rows\)"),
]


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped products (copies, never links: damaging one must not touch data/), chosen with
    MAPKIT_DATA_DIR."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns(".cache", ".staging-*"))
    monkeypatch.setenv(DATA_DIR_ENV, str(target))
    return target


def test_the_data_folder_defaults_to_the_shipped_one(monkeypatch: pytest.MonkeyPatch, data_copy: Path) -> None:
    assert default_data_dir() == data_copy.resolve()
    monkeypatch.delenv(DATA_DIR_ENV)
    assert default_data_dir() == DATA_DIR


@pytest.mark.parametrize(("product", "damage", "message"), [d[1:] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_a_damaged_product_gives_the_rebuild_message_not_a_traceback(
        data_copy: Path, product: str, damage: Callable[[Path], None], message: str) -> None:
    damage(data_copy / product)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.run()  # the whole page (the first run sends the map alone)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert re.search(re.escape(str(data_copy / product)) + " " + message, errors[0]), errors[0]
    # The folder actually used is named, with the command that rebuilds it (git cannot restore a copy).
    assert f"The data folder is {data_copy} (not the shipped data/)" in errors[0]
    assert f"python -m mapkit build-data --out {data_copy}" in errors[0] and "git checkout" not in errors[0]


def test_the_shipped_folder_is_restored_from_git() -> None:
    from mapkit.data.io import rebuild_hint

    assert "git checkout -- data/" in rebuild_hint(DATA_DIR / "indicators" / "lsoa.parquet")


@pytest.mark.parametrize("query", [{"overlays": "transport_schemes"}, {}], ids=["overlay", "upload"])
def test_missing_lsoa_data_stops_who_lives_near_only(data_copy: Path, query: dict[str, str],
                                                    request: pytest.FixtureRequest) -> None:
    """The map, the Export tab and the sources footer stay; the tab that needs LSOAs names the file."""
    import streamlit as st

    import mapkit.analysis.nearby

    _missing(data_copy / "indicators" / "lsoa.parquet")
    for clear in (mapkit.analysis.nearby.lsoa_population.cache_clear, st.cache_data.clear):  # earlier tests' LSOAs
        clear()
        request.addfinalizer(clear)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"region": "E47000007", **query}.items():
        at.query_params[key] = value
    at.session_state["w_tab"] = "Who lives near the overlays"
    at.run()
    at.run()  # the whole page (the first run sends the map alone)
    if not query:
        at.file_uploader(key="w_upload").set_value(("p.csv", b"name,lat,lon\nDepot,52.48,-1.90\n", "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and str(data_copy / "indicators" / "lsoa.parquet") + " is missing" in errors[0], errors
    assert not any("cannot be shown" in e for e in errors)
    assert any(m.value.startswith("**Sources and licences of everything shown**") for m in at.markdown)
    at.session_state["w_tab"] = "Export"
    at.run()
    assert at.selectbox(key="w_export_format").value == "png_a4" and not at.error


def test_the_library_raises_the_same_message(data_copy: Path) -> None:
    _column_lost(data_copy / "indicators" / "lad.parquet")
    with pytest.raises(mapkit.ProductError, match=r"lad.parquet is damaged .*python -m mapkit build-data"):
        mapkit.load_indicator("imd_score", "lad")
