"""The upload part of the page (mapkit.app.upload) at office scale: a session's quota of files, over-budget files
refused before any worker, the layer drawn from a reference, names without direction controls."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapkit import workers
from mapkit.data import uploads

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def start() -> AppTest:
    """The app past its first run (the map alone), with the sidebar and its uploader drawn."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="w_upload").set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_script(at: AppTest) -> str:
    """The script of every layer the app gave streamlit-folium."""
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)["feature_group"]


def places_csv(n: int) -> bytes:
    return ("name,lat,lon\n" + "".join(f"Place {i},{52.40 + i / 1000:.3f},-1.900\n" for i in range(n))).encode()


def test_a_session_reads_at_most_its_quota_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_SESSION_FILES", 2)
    at = start()
    for n in (1, 2):
        upload(at, f"file{n}.csv", places_csv(n))
        assert not at.sidebar.error and any(f"({n} feature" in c.value for c in at.sidebar.caption)
    upload(at, "file3.csv", places_csv(3))
    (error,) = at.sidebar.error
    assert error.value.startswith("This session has read 2 files, the most one session may")
    assert "Reload the page to start a new session." in error.value
    assert "window.mapkit.uploads.layer(" not in map_script(at)  # refused: nothing drawn, nothing read
    assert at.session_state["uploads_read"] == 2


def test_an_over_budget_file_is_refused_without_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_worker(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker was asked for")

    monkeypatch.setattr(workers, "run_bounded", no_worker)
    points = [[-1.9 + i * 1e-5, 52.5] for i in range(6_000)]
    data = json.dumps({"type": "Feature", "properties": {"name": "x"},
                       "geometry": {"type": "MultiPoint", "coordinates": points}}).encode()
    at = upload(start(), "many.geojson", data)
    (error,) = at.sidebar.error
    assert "MultiPoint of 6,000 points; the limit is 5,000 features" in error.value


def test_an_upload_is_drawn_from_a_reference_to_its_encoding() -> None:
    at = upload(start(), "places.csv", places_csv(5))
    script = map_script(at)
    (reference,) = re.findall(r"window\.mapkit\.uploads\.layer\((\{.*?\}), \{", script)
    layer = at.session_state["user_layer"]
    assert json.loads(reference) == {"url": f"/mock/media/{json.loads(reference)['url'].rsplit('/', 1)[1]}",
                                     "version": layer.payload.version, "n": 5}
    assert "Place 4" not in script and "Place 4" in layer.payload.json


def test_direction_controls_in_names_are_not_shown() -> None:
    at = upload(start(), "evil\u202egpj.csv", "name,lat,lon\nDepot \u202eevil,52.45,-1.75\n".encode())
    assert any("Your layer: evilgpj.csv" in c.value for c in at.sidebar.caption)
    assert "\u202e" not in json.dumps([c.value for c in at.sidebar.caption])
    at.session_state["w_tab"] = "Who lives near the overlays"
    at.run()
    assert "Depot evil (your layer)" in at.selectbox(key="w_near_place").options
