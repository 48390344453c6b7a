"""The geography spine: every English area at each level with its parent codes and names.

Parents come from ONS lookups, never from spatial guessing at build time: LSOA -> ward (ONS best fit), LSOA ->
district (MHCLG's own IoD2025 File 1 assignment, so district summaries match MHCLG's), ward -> district ->
region (ONS), district -> combined authority (May 2025).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from mapkit.pipeline.raw import RawInputs
from mapkit.errors import RawDataError
from mapkit.data.io import read_csv

ENGLAND = "E92000001"


@dataclasses.dataclass(frozen=True)
class Spine:
    """Attribute tables per level, plus notes for the build report."""

    ca: pd.DataFrame
    lad: pd.DataFrame
    ward: pd.DataFrame
    lsoa: pd.DataFrame
    notes: dict

    def level(self, level: str) -> pd.DataFrame:
        return getattr(self, level)


def _file1_lsoa_lad(raw: RawInputs) -> pd.DataFrame:
    path = raw.path("iod2025.file1")
    try:
        frame = pd.read_excel(path, sheet_name="IMD25", dtype=str)
    except (ValueError, OSError, KeyError) as exc:
        raise RawDataError(f"{path}: cannot read sheet 'IMD25' of the IoD2025 File 1 workbook ({exc}). "
                           "Download File 1 again from gov.uk.") from None
    cols = ["LSOA code (2021)", "Local Authority District code (2024)"]
    from mapkit.data.io import require_columns

    require_columns(frame, cols, path)
    return frame[cols].set_axis(["code", "lad_code"], axis=1)


def build_spine(raw: RawInputs) -> Spine:
    """Join the lookups into one attribute table per level and check they agree."""
    wards_lu = read_csv(raw.path("ons_lookups.ward_lad_rgn"),
                        ["WD24CD", "WD24NM", "LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM", "CTRY24CD"], dtype=str)
    lad_rgn = read_csv(raw.path("ons_lookups.lad_region"), ["LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM"], dtype=str)
    lad_ca = read_csv(raw.path("ons_lookups.lad_ca"), ["LAD24CD", "CAUTH25CD", "CAUTH25NM"], dtype=str)
    lsoa_lu = read_csv(raw.path("ons_lookups.lsoa_ward_lad"),
                       ["LSOA21CD", "LSOA21NM", "WD24CD", "WD24NM", "LAD24CD"], dtype=str)

    lad = lad_rgn.rename(columns={"LAD24CD": "code", "LAD24NM": "name", "RGN24CD": "rgn_code",
                                  "RGN24NM": "rgn_name"})[["code", "name", "rgn_code", "rgn_name"]]
    lad = lad[lad["code"].str.startswith("E")]
    cas = lad_ca.rename(columns={"LAD24CD": "code", "CAUTH25CD": "ca_code", "CAUTH25NM": "ca_name"})
    lad = lad.merge(cas[["code", "ca_code", "ca_name"]], on="code", how="left", validate="1:1")
    ca = (lad.dropna(subset=["ca_code"]).groupby(["ca_code", "ca_name"], as_index=False)
          .agg(n_lads=("code", "size")).rename(columns={"ca_code": "code", "ca_name": "name"}))

    ward = wards_lu[wards_lu["CTRY24CD"] == ENGLAND].rename(columns={
        "WD24CD": "code", "WD24NM": "name", "LAD24CD": "lad_code", "LAD24NM": "lad_name",
        "RGN24CD": "rgn_code", "RGN24NM": "rgn_name"})[["code", "name", "lad_code", "lad_name", "rgn_code",
                                                         "rgn_name"]]
    ward = ward.merge(lad[["code", "ca_code", "ca_name"]].rename(columns={"code": "lad_code"}), on="lad_code",
                      how="left", validate="m:1")
    _check_join(ward["lad_code"], lad["code"], "ward lookup LAD codes", raw.path("ons_lookups.ward_lad_rgn"))

    file1 = _file1_lsoa_lad(raw)
    lsoa = lsoa_lu[lsoa_lu["LSOA21CD"].str.startswith("E")].rename(columns={
        "LSOA21CD": "code", "LSOA21NM": "name", "WD24CD": "ward_code", "WD24NM": "ward_name",
        "LAD24CD": "bestfit_lad_code"})
    lsoa = lsoa.merge(file1, on="code", how="left", validate="1:1")
    differs = lsoa[lsoa["lad_code"].notna() & (lsoa["lad_code"] != lsoa["bestfit_lad_code"])]
    lsoa["lad_code"] = lsoa["lad_code"].fillna(lsoa["bestfit_lad_code"])
    lsoa = lsoa.merge(lad.rename(columns={"code": "lad_code", "name": "lad_name"}), on="lad_code", how="left",
                      validate="m:1")
    _check_join(lsoa["lad_code"], lad["code"], "LSOA district codes", raw.path("iod2025.file1"))
    lsoa = lsoa[["code", "name", "ward_code", "ward_name", "lad_code", "lad_name", "ca_code", "ca_name",
                 "rgn_code", "rgn_name"]]

    wards_with_lsoa = set(lsoa["ward_code"])
    notes = {
        "lsoa_lad_differs_from_bestfit_lookup": differs[["code", "lad_code", "bestfit_lad_code"]].to_dict("records"),
        "wards_without_lsoa": sorted(set(ward["code"]) - wards_with_lsoa),
        "lsoa_wards_not_in_ward_lookup": sorted(wards_with_lsoa - set(ward["code"])),
    }
    if notes["lsoa_wards_not_in_ward_lookup"]:
        raise RawDataError(
            f"{raw.path('ons_lookups.lsoa_ward_lad')}: {len(notes['lsoa_wards_not_in_ward_lookup'])} ward codes "
            f"(e.g. {notes['lsoa_wards_not_in_ward_lookup'][:3]}) are not in the May 2024 ward lookup. "
            "Use the LSOA21 -> WD24 lookup that matches the May 2024 wards."
        )
    return Spine(ca=ca.reset_index(drop=True), lad=lad.reset_index(drop=True), ward=ward.reset_index(drop=True),
                 lsoa=lsoa.reset_index(drop=True), notes=notes)


def _check_join(codes: pd.Series, known: pd.Series, what: str, path) -> None:
    unmatched = sorted(set(codes.dropna()) - set(known))
    if unmatched:
        raise RawDataError(
            f"{path}: {len(unmatched)} {what} do not match the December 2024 district lookup "
            f"(e.g. {unmatched[:5]}). The lookups are from different vintages: use the 2024 editions named in "
            "layers/sources.toml."
        )
