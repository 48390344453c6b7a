"""mapkit.app.export_tab: files of the view on the map, made when asked for, then offered for download; a changed
view makes the file stale."""

from __future__ import annotations

import dataclasses

from app_parts import part

import mapkit
from mapkit.view import View

COVENTRY = "E08000026"


def test_a_csv_of_the_view_is_made_on_request_with_every_area() -> None:
    view = View(region=COVENTRY, level="ward", indicator="income_score", area="E05001219", similar=True)
    at = part("export_tab", "show_export", view)
    assert not [b for b in at.download_button if b.key == "export_download"]  # nothing made yet
    at.selectbox(key="w_export_format").set_value("csv")
    at.button(key="export_prepare").click().run()
    made = at.session_state["export"]
    assert made.request[0] == dataclasses.replace(view, area=None, similar=False)  # a file shows no open area
    rows = [line.split(",")[0] for line in made.content.decode().splitlines() if line.startswith("E05")]
    assert sorted(rows) == sorted(mapkit.load_boundaries("ward", COVENTRY)["code"])
    assert [b.label.split(" (")[0] for b in at.download_button if b.key == "export_download"] == [
        f"Download {made.name}"]
