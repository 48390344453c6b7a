"""Text a user reads (the app's source lists, PNG/PDF footers, tables' metadata, the static API) carries no file
paths and no notes meant for us; ONS's caveats on a series travel with it (issue 26)."""

from __future__ import annotations

import re

from mapkit.analysis import nearby, similar, zones
from mapkit.analysis.map_data import prepare
from mapkit.data import overlays
from mapkit.export import tidy
from mapkit.export.static import footer_text
from mapkit.export.wording import source_lines
from mapkit.specs.registry import overlay_specs, registry
from mapkit.text import guidance, wording
from mapkit.view import View

NOT_FOR_READERS = re.compile(
    r"\.\./|\bdocs/|\b[\w-]+\.(md|csv|py|toml|geojson|parquet)\b|geocode|confidence:|states no licen[cs]e"
    r"|before publication|\bTODO\b", re.I)
REG = registry()


def reader_texts() -> dict[str, str]:
    """Every declared text that reaches a screen or an export, by where it comes from."""
    texts: dict[str, str] = {}
    for spec in REG.indicators.values():
        texts.update({f"{spec.id}.label": spec.label, f"{spec.id}.description": spec.description,
                      f"{spec.id}.period": spec.period})
        texts.update({f"{spec.id}.note.{level}": note for level, note in spec.level_notes.items()})
    for key, source in REG.sources.items():
        texts.update({f"source.{key}.{field}": getattr(source, field)
                      for field in ("publisher", "title", "vintage", "licence", "attribution")})
    for key, overlay in overlay_specs().items():
        texts.update({f"overlay.{key}.{field}": getattr(overlay, field)
                      for field in ("label", "description", "source", "licence", "attribution")})
    for key, series in REG.series.items():
        texts.update({f"series.{key}.{n}": line for n, line in enumerate(wording.series_notes(series))})
    texts.update({"similar.HELP": similar.HELP, "similar.METHOD_HELP": similar.METHOD_HELP,
                  "nearby.METHOD_DETAIL": nearby.METHOD_DETAIL, "zones.METHOD": zones.METHOD,
                  "guidance.HOW_TO_READ": guidance.HOW_TO_READ, "guidance.STATEMENT": guidance.STATEMENT})
    return texts


def test_no_path_or_note_to_ourselves_reaches_a_reader():
    texts = reader_texts()
    assert len(texts) > 500
    offenders = {where: text for where, text in texts.items() if NOT_FOR_READERS.search(text)}
    assert not offenders


def test_footers_and_source_lists_name_sources_without_paths():
    data = prepare(View(region="E47000007", level="ward", indicator="imd_score",
                        overlays=tuple(overlay_specs())))
    lines = [*footer_text(data), *source_lines(data),
             *wording.footer_lines(data.spec, overlays=overlay_specs(), nearby_method=nearby.METHOD)]
    assert lines
    for line in lines:
        assert not NOT_FOR_READERS.search(line), line


def test_features_left_off_the_map_are_listed_with_a_readers_reason():
    for overlay in overlay_specs():
        rows = overlays.not_mapped_for_readers(overlay, region="E47000007")
        assert len(rows) > 0 and "notes" not in rows.columns
        assert set(rows["reason"]) == {overlays.NOT_MAPPED_REASON}
        raw = overlays.not_mapped(overlay, region="E47000007")
        assert raw["reason"].str.contains("geocode").any()  # what the research says, kept from readers


def test_a_series_exports_carry_onss_caveats():
    spec = REG.series["gdp_per_head"]
    notes = wording.series_notes(spec)
    assert notes[0].startswith("Notes from Office for National Statistics on this series")
    assert "2023 data are provisional." in notes
    table = tidy.series_years_table("gdp_per_head", "lad", "E47000007")
    assert "2023 data are provisional." in table.caveats
    assert any("(https://www.ons.gov.uk/" in line for line in table.caveats)  # Markdown links written out
    indicator = tidy.indicator_table("median_weekly_pay", "lad", "E47000007")
    assert any("provisional" in line for line in indicator.caveats)
