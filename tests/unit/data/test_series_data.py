"""The shipped series equal ONS's files cell for cell (a sample per series), and the declarations in
layers/series.toml still say what ONS's JSON metadata says. Needs ../shared/data/raw (skipped cleanly without it)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import mapkit
from mapkit.specs.registry import registry
from mapkit.pipeline.raw import DEFAULT_RAW

pytestmark = pytest.mark.skipif(not DEFAULT_RAW.is_dir(), reason=f"raw inputs not present at {DEFAULT_RAW}")
SERIES = list(registry().series.values())


def _raw(spec) -> pd.DataFrame:
    path = DEFAULT_RAW / registry().source_file(spec.file).path
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    frame = frame.rename(columns={"AREACD": "areacd", "Indicator": "indicator", "Observation": "observation",
                                  "Period": "period"})
    frame = frame[frame["indicator"] == spec.ons_indicator].dropna(subset=["observation"])
    frame["year"] = frame["period"].str[:4].astype(int)
    frame["observation"] = frame["observation"].astype(float)
    return frame.replace({"areacd": {spec.england_code: mapkit.ENGLAND}})


@pytest.mark.parametrize("spec", SERIES, ids=lambda s: s.id)
def test_a_sample_of_cells_equals_the_ons_file(spec):
    raw = _raw(spec)
    for level in ("lad", "ca", "england"):
        stored = mapkit.load_series(spec.id, level)
        cells = raw.merge(stored, left_on=["areacd", "year"], right_on=["code", "year"])
        if level != "ca":
            assert len(cells), level
        sample = cells.sample(n=min(40, len(cells)), random_state=12)
        assert sample["value"].tolist() == sample["observation"].tolist(), level
        assert stored["value"].notna().sum() == len(cells), f"{level}: a value ONS does not publish"


@pytest.mark.parametrize("spec", SERIES, ids=lambda s: s.id)
def test_declaration_agrees_with_the_ons_metadata(spec):
    path = (DEFAULT_RAW / registry().source_file(spec.file).path).with_suffix(".json")
    meta = json.loads(path.read_text(encoding="utf-8"))["ess-beta-metadata"]
    shared, own = meta.get("shared", meta), meta.get(spec.ons_indicator, meta)

    def field(key):
        value = own.get(key)
        return shared.get(key) if value in (None, "None") else value

    assert spec.label == field("label")
    assert spec.subtitle == field("subtitle")
    assert spec.decimal_places == int(field("decimalPlaces"))
    assert spec.experimental == (str(field("experimentalStatistic")) == "T")
    day, month, year = str(field("sourceDate")).split("|")[0].split("/")
    assert spec.release_date == f"{year}-{month}-{day}"
