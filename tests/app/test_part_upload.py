"""mapkit.app.upload: the user's own layer, read in a bounded worker process and kept in this session only. Driven
through the whole page: the worker process re-imports the page's script, which a one-part test script cannot be."""

from __future__ import annotations

from app_parts import whole_app


def test_an_upload_is_read_and_described_and_a_bad_one_says_why() -> None:
    at = whole_app()
    at.file_uploader(key="w_upload").set_value(("sites.csv", b"name,lat,lon\nDepot,52.48,-1.90\nHub,52.41,-1.51\n",
                                                 "text/csv")).run()
    layer = at.session_state["user_layer"]
    assert list(layer.frame["name"]) == ["Depot", "Hub"] and layer.name == "sites.csv"
    assert any("**Your layer: sites.csv** (2 features)" in c.value for c in at.sidebar.caption)
    at.file_uploader(key="w_upload").set_value(("bad.csv", b"title,lat,lon\nA,52.5,-1.9\n", "text/csv")).run()
    assert at.session_state["user_layer"].frame is None
    assert len(at.sidebar.error) == 1 and "name" in at.sidebar.error[0].value
