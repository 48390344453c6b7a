"""The profile's position chart keeps its 0-100 axis whatever the areas' positions (issue 26: it ran 0-50)."""

from __future__ import annotations

from mapkit.analysis.profile import area_profile
from mapkit.text.ranks import position_key
from mapkit.web.charts import POSITION_DOMAIN, position_chart


def test_the_axis_runs_0_to_100_for_an_area_near_the_middle():
    profile = area_profile("E07000234", "lad")  # Bromsgrove: every position under 50
    rows = profile.table[profile.table["theme"] == "Deprivation (IoD2025)"]
    assert rows["england_position"].max() < 60
    key = position_key(rows)
    assert key == "100 = most deprived, 0 = least deprived"
    spec = position_chart(rows, key=key).to_dict()
    x = spec["encoding"]["x"]
    assert x["scale"]["domain"] == list(POSITION_DOMAIN) == [0, 100] and x["axis"]["values"][-1] == 100
    assert x["title"] == f"Position in England ({key})"
    assert spec["height"] == {"step": 30} and len(spec["datasets"][spec["data"]["name"]]) == len(rows)
