"""Declarations in layers/: every indicator is complete, and broken declarations are named clearly."""

import shutil

import pytest

import mapkit
from mapkit.pipeline.methods import METHODS
from mapkit.specs.registry import LAYERS_DIR, load_registry
from mapkit.errors import SpecError

REGISTRY = mapkit.registry()
REQUIRED_IDS = ["imd_score", "imd_most_deprived_10pct", "income_score", "employment_score"]


@pytest.mark.parametrize("indicator_id", REQUIRED_IDS)
def test_required_ids_exist(indicator_id):
    assert indicator_id in REGISTRY.indicators


def test_imd_score_is_published_at_lsoa_and_averaged_above():
    spec = REGISTRY.indicator("imd_score")
    assert set(spec.levels) == {"lsoa", "ward", "lad", "ca"} and spec.higher_is == "worse"
    assert "mid-2022 population" in spec.note_for("ward") and "File 10" in spec.note_for("lad")
    assert REGISTRY.indicator("imd_most_deprived_10pct").format_value(27.11) == "27.1%"


@pytest.mark.parametrize("indicator_id", [i for i, s in REGISTRY.indicators.items() if s.source == "iod2025"])
def test_iod_measures_read_in_mhclg_direction(indicator_id):
    spec = REGISTRY.indicator(indicator_id)
    assert spec.higher_is == "worse"  # every MHCLG summary: higher = more deprived, rank 1 = most deprived
    if spec.unit.startswith("%"):
        assert spec.number_format == "{:.1f}%"


@pytest.mark.parametrize("indicator_id", list(REGISTRY.indicators))
def test_every_indicator_is_fully_declared(indicator_id):
    spec = REGISTRY.indicator(indicator_id)
    source = REGISTRY.sources[spec.source]
    assert source.publisher and source.vintage and source.licence and source.attribution
    assert spec.unit and spec.period and spec.levels and spec.description
    assert spec.method in METHODS
    assert spec.format_value(None) == "no data"


@pytest.mark.parametrize("indicator_id", list(REGISTRY.indicators))
def test_every_declared_level_has_data_for_every_area(indicator_id):
    spec = REGISTRY.indicator(indicator_id)
    for level in spec.levels:
        table = mapkit.indicator_table(indicator_id, level)
        assert len(table) == REGISTRY.boundary(level).expected_count
        assert table["code"].is_unique
        assert table["value"].notna().mean() > 0.4, f"{indicator_id} at {level} is mostly empty"
        missing = table[table["value"].isna()]
        assert (missing["note"].str.len() > 0).all(), "every missing value carries its reason"


@pytest.mark.parametrize("indicator_id", ["gva_per_hour", "imd_extent"])
def test_undeclared_level_is_refused_with_the_reason(indicator_id):
    with pytest.raises(mapkit.UnknownNameError, match="not available at .*level"):
        mapkit.indicator_table(indicator_id, "lsoa")


@pytest.fixture
def layers_copy(tmp_path):
    target = tmp_path / "layers"
    shutil.copytree(LAYERS_DIR, target, ignore=shutil.ignore_patterns("overlays*"))
    return target


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('unit = "score"\n', "", r"Indicator 'imd_score' in layers/ is missing unit: add this field"),
        ('higher_is = "worse"', 'higher_is = "bad"', r"higher_is is 'bad'; use one of worse, better, neutral"),
        ('number_format = "{:.1f}"', 'number_format = "{:.1q}"', "is not a Python format string"),
        ('source = "iod2025"', 'source = "nowhere"', "names source 'nowhere', not defined"),
        ('levels = ["lsoa", "ward", "lad", "ca"]', 'levels = ["lsoa", "msoa"]', r"unknown level\(s\) \['msoa'\]"),
        ('id = "imd_average_rank"', 'id = "imd_score"', "declared twice"),
        ('label = "IMD score"', 'label = "IMD score"\ncolour = "red"', r"unknown field\(s\) \['colour'\]"),
        ('unit = "score"', 'unit = "furlongs"', r"unit 'furlongs' is not known; use one of: '%', '% of people'"),
        ('unit = "% of households"\nnumber_format = "{:.1f}%"', 'unit = "% of households"\nnumber_format = "{:.1%}"',
         r"percentage stored 0-100, so its number_format must not multiply by 100"),
    ],
)
def test_broken_indicator_declaration_names_the_problem(layers_copy, old, new, message):
    _edit(layers_copy / "indicators.toml", old, new)
    with pytest.raises(SpecError, match=message):
        load_registry(layers_copy)


def test_invalid_toml_names_the_file(layers_copy):
    (layers_copy / "boundaries.toml").write_text("[[level]\nid=", encoding="utf-8")
    with pytest.raises(SpecError, match=r"boundaries.toml is not valid TOML"):
        load_registry(layers_copy)


def test_source_without_attribution_is_refused(layers_copy):
    _edit(layers_copy / "sources.toml", 'attribution = "Source: Office for National Statistics – Census',
          'attribution = ""\nnote = "Source: Office for National Statistics – Census')
    with pytest.raises(SpecError, match=r"unknown field\(s\) \['note'\]"):
        load_registry(layers_copy)
    _edit(layers_copy / "sources.toml", 'note = "', 'licence_url = "')
    _edit(layers_copy / "sources.toml", 'licence_url = "', '# ')
    with pytest.raises(SpecError, match="Source 'census2021' in layers/ is missing attribution"):
        load_registry(layers_copy)


def test_source_url_must_be_https(layers_copy):
    _edit(layers_copy / "sources.toml", 'url = "https://www.nomisweb.co.uk/output/census/2021/census2021-ts001.zip"',
          'url = "ftp://example/ts001.zip"')
    with pytest.raises(SpecError, match="use the publisher's https URL"):
        load_registry(layers_copy)


def test_specs_are_frozen():
    with pytest.raises(AttributeError):
        REGISTRY.indicator("imd_score").label = "changed"  # type: ignore[misc]
