"""Year and change views made ready to draw (mapkit.analysis.timemap through mapkit.analysis.map_data.prepare
and build_map)."""

from __future__ import annotations

import numpy as np
import pytest

from mapkit.analysis.map_data import prepare
from mapkit.analysis.timemap import diverging_breaks
from mapkit.view import View
from mapkit.web.choropleth import legend_html, map_text

WMCA, BIRMINGHAM, SOLIHULL = "E47000007", "E08000025", "E08000029"
BASE = dict(region=WMCA, level="lad", indicator="gva_per_hour", scheme="quantiles")


def test_a_year_view_maps_that_years_ons_cells():
    data = prepare(View(**BASE, year=2013))
    values = data.frame.set_index("code")["value"]
    assert values[BIRMINGHAM] == pytest.approx(26.8)  # gross-value-added.csv, Birmingham, 2013
    assert data.spec.period.startswith("2013, ONS time series released 2025-06-19")
    assert data.frame["rank"].isna().all()  # the snapshot's national ranks do not describe 2013


def test_a_change_view_maps_the_change_centred_on_england():
    data = prepare(View(**BASE, change=(2013, 2023), centre="england"))
    values = data.frame.set_index("code")["value"]
    assert values[BIRMINGHAM] == pytest.approx(100 * (35.14 / 26.8 - 1))
    assert data.spec.label == "Change in GVA per hour worked"
    assert data.spec.unit == "% change"
    assert "2013 to 2023" in data.spec.period and "England's change, +33.3%" in data.spec.period
    england = 100 * (42.39 / 31.79 - 1)
    middle = data.classification.upper[1], data.classification.upper[2]
    assert middle[0] < england < middle[1]  # the middle of five classes holds England's change
    assert data.colours[2] == "#f6f7f7"  # ... and is the diverging palette's neutral middle
    text = legend_html(data.spec, data.classification, data.colours, data.ramp.no_data,
                       map_text(data.spec, "lad", data.region_name))
    assert "Change in GVA per hour worked" in text and "2013 to 2023" in text
    assert ("Middle colour = England&#x27;s change, +33.3%; cool (blue or purple) = higher than the middle = better"
            in text)


def test_rates_change_in_points_and_a_fall_in_unemployment_is_blue():
    data = prepare(View(**{**BASE, "indicator": "unemployment_rate"}, change=(2013, 2023)))
    assert data.spec.unit == "percentage points"
    row = data.frame.set_index("code").loc[BIRMINGHAM]
    assert row["value"] == pytest.approx(7.2 - 14.5)
    birmingham_class = data.classification.classes[data.frame["code"].tolist().index(BIRMINGHAM)]
    assert data.colours[birmingham_class] in ("#276eb0", "#98c8e0")  # blue end: unemployment fell


def test_diverging_breaks_are_symmetric_about_the_centre():
    ref = np.array([-10.0, -5, 0, 5, 10, 50])
    upper = diverging_breaks(ref, 0.0, 5)
    assert upper[-1] == 50
    assert upper[1] == pytest.approx(-upper[2])
    assert diverging_breaks(np.array([]), 0.0, 5) == ()


def test_change_legend_steps_are_open_ended_never_backwards():
    from mapkit.analysis.timemap import step_labels

    fmt = "{:+.1f}%".format
    assert step_labels((-35.4, -11.8, 11.8, 35.4, 127.5), fmt) == (
        "-35.4% or less", "over -35.4% to -11.8%", "over -11.8% to +11.8%", "over +11.8% to +35.4%", "over +35.4%")
    data = prepare(View(**BASE, change=(2013, 2023)))
    lows, highs = data.classification.lower, data.classification.upper
    assert all(lo <= hi for lo, hi in zip(lows, highs))
    assert data.classification.labels[0].endswith("or less") and data.classification.labels[-1].startswith("over ")
