"""The static API (``api/v1``, mapkit.publish.api): fetched from ``python -m http.server`` and from the deploy
recipe's nginx, every document validates against its JSON Schema in docs/api.md, the tables are the CLI's tidy
tables, names are content hashes, and the headers say how to cache and who may fetch."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest

from mapkit.cli import main
from mapkit.export.tidy import CORE, indicator_table
from mapkit.export.tidy_files import to_csv
from mapkit.publish.api_schemas import SCHEMAS
from mapkit.specs.registry import registry
from mapkit.view import indicators_for

WMCA, BIRMINGHAM = "E47000007", "E08000025"
REPO = Path(__file__).resolve().parents[3]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[Any]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    # A folder nginx's workers (nobody, when started by root) can read; pytest's own temporary folders are 0700.
    parent = Path(tempfile.mkdtemp(prefix="mapkit-api-"))
    parent.chmod(0o755)
    out = parent / "site"
    assert main(["publish", "--out", str(out), "--region", WMCA, "--levels", "ward", "lad"]) == 0
    for folder, _, files in os.walk(out):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)
    yield out
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, process)
        yield base + "api/v1/"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read()


def fetch_json(url: str) -> Any:
    return json.loads(fetch(url))


def validate(doc: Any, name: str) -> None:
    jsonschema.Draft202012Validator(SCHEMAS[name]).validate(doc)


def test_every_document_validates_against_its_schema(server: str) -> None:
    index = fetch_json(server + "indicators.json")
    validate(index, "indicators")
    published = set(indicators_for("ward")) | set(indicators_for("lad"))
    assert [i["id"] for i in index["indicators"]] == [i for i in registry().indicators if i in published]
    assert index["regions"] == [{"code": WMCA, "name": "West Midlands", "kind": "ca"}]
    tables = 0
    for entry in index["indicators"]:
        for level, address in entry["data"].items():
            doc = fetch_json(server + address)
            validate(doc, "indicator_level")
            assert (doc["indicator_id"], doc["area_level"]) == (entry["id"], level)
            for region in doc["regions"]:
                table = fetch_json(server + region["json"])
                validate(table, "data")
                assert len(table["rows"]) == region["rows"]
                tables += 1
    assert tables == len(indicators_for("ward")) + len(indicators_for("lad"))
    for name in SCHEMAS:
        assert fetch_json(server + f"schemas/{name}.schema.json") == SCHEMAS[name]


def test_area_documents_validate_and_hold_every_indicator_with_ranks_and_sources(server: str, site: Path) -> None:
    codes = sorted(p.stem for p in (site / "api/v1/areas").iterdir())
    assert len(codes) == 7 + 192
    for code in codes:
        validate(fetch_json(server + f"areas/{code}.json"), "area")
    birmingham = fetch_json(server + f"areas/{BIRMINGHAM}.json")
    assert birmingham["name"] == "Birmingham" and birmingham["parents"]["ca"] == {"code": WMCA,
                                                                                  "name": "West Midlands"}
    by_id = {i["id"]: i for i in birmingham["indicators"]}
    assert list(by_id) == indicators_for("lad")
    rank = by_id["imd_average_rank"]  # MHCLG's File 10, as published
    assert (rank["value"], rank["rank_in_england"], rank["areas_ranked_in_england"]) == (25089.35, 8, 296)
    assert "Open Government Licence v3.0" in birmingham["sources"]["iod2025"]


def test_tables_are_the_cli_tables_under_content_hashed_names(server: str) -> None:
    doc = fetch_json(server + "ward/bad_health.json")
    region = doc["regions"][0]
    raw = fetch(server + region["csv"])
    assert hashlib.sha256(raw).hexdigest()[:16] in region["csv"]
    expected = to_csv(indicator_table("bad_health", "ward", WMCA))
    assert raw.decode("utf-8") == expected
    frame = pd.read_csv(io.BytesIO(raw))
    assert list(frame.columns[:len(CORE)]) == list(CORE)
    raw_json = fetch(server + region["json"])
    assert hashlib.sha256(raw_json).hexdigest()[:16] in region["json"]
    table = json.loads(raw_json)
    rebuilt = pd.DataFrame(table["rows"], columns=table["columns"]).assign(**table["constants"])
    assert sorted(rebuilt.columns) == sorted(frame.columns)
    merged = frame.merge(rebuilt, on="area_code", suffixes=("", "_json"))
    assert len(merged) == len(frame) == 192
    assert (merged["value"] - merged["value_json"]).abs().max() == 0
    assert table["caveats"] and any("Census" in s for s in table["sources"])


def test_series_indicators_carry_onss_notes(server: str) -> None:
    index = {i["id"]: i for i in fetch_json(server + "indicators.json")["indicators"]}
    pay = index["median_weekly_pay"]
    assert pay["series"]["id"] == "median_weekly_pay" and pay["series"]["release_date"] == "2025-10-23"
    assert any("provisional" in note for note in pay["series"]["notes"])
    assert index["imd_score"]["series"] is None and index["imd_score"]["rank_one"] == "most deprived"
    assert index["population"]["rank_one"] == "highest"


def test_docs_print_every_schema() -> None:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", text, re.S)]
    assert blocks == list(SCHEMAS.values())


def test_publish_without_the_api(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert main(["publish", "--out", str(out), "--region", WMCA, "--levels", "ca", "--no-api"]) == 0
    assert (out / "index.html").is_file() and not (out / "api").exists()


# --- the deploy recipe -------------------------------------------------------------------------------------------


def recipe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(REPO / "deploy" / "serve_site.sh"), *args], capture_output=True, text=True,
                          timeout=30)


def test_the_recipe_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    result = recipe("--site", str(tmp_path))
    assert result.returncode == 2 and "is not a folder written by mapkit publish" in result.stderr


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install -y nginx-light)")
def test_the_recipe_serves_cache_and_cors_headers(site: Path, tmp_path: Path) -> None:
    assert recipe("--site", str(site), "--print-config").returncode == 0
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="mapkit-site-run-"))
    process = subprocess.Popen(["bash", str(REPO / "deploy" / "serve_site.sh"), "--site", str(site), "--port",
                                str(port), "--run-dir", str(run_dir)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, process)

        def headers(path: str) -> Any:
            with urllib.request.urlopen(base + path, timeout=5) as response:
                assert response.status == 200, path
                return response.headers

        level = json.loads(fetch(base + "api/v1/ward/imd_score.json"))
        hashed = "api/v1/" + level["regions"][0]["csv"]
        asset = re.search(r'src="(assets/[^"]+)"', fetch(base + "index.html").decode()).group(1)
        for path, cache, cors in [("index.html", "max-age=300", None), (asset, "immutable", None),
                                  ("api/v1/indicators.json", "max-age=300", "*"),
                                  ("api/v1/areas/E08000025.json", "max-age=300", "*"), (hashed, "immutable", "*")]:
            got = headers(path)
            assert cache in got["Cache-Control"], path
            assert got.get("Access-Control-Allow-Origin") == cors, path
        assert headers(hashed)["Content-Type"].startswith("text/csv")
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(run_dir, ignore_errors=True)


def test_the_api_can_hold_fewer_levels_than_the_maps(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert main(["publish", "--out", str(out), "--region", WMCA, "--levels", "ca", "lad", "--api-levels", "ca"]) == 0
    index = json.loads((out / "api/v1/indicators.json").read_text(encoding="utf-8"))
    assert {level for entry in index["indicators"] for level in entry["data"]} == {"ca"}
    assert not (out / "api/v1/lad").exists() and (out / "api/v1/areas/E47000007.json").is_file()
