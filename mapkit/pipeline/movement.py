"""Change between editions across the 2011 -> 2021 LSOA changes: IoD2019 -> IoD2025 movement and Census 2011 ->
2021 household deprivation (docs/change_method.md).

IoD2019 is published for 2011 LSOAs and IoD2025 for 2021 LSOAs. ONS's LSOA (2011) to LSOA (2021) lookup marks
each pair U (unchanged), S (a 2011 LSOA split into several 2021 LSOAs), M (several 2011 LSOAs merged into one)
or X (redrawn). The rule, per 2021 LSOA:

- U: compared directly.
- S: the 2021 LSOA inherits its 2011 parent's IoD2019 rank and decile.
- M: compared on deciles only when every merged 2011 LSOA had the same IoD2019 decile; never on rank (there is
  no single 2019 rank). Otherwise not comparable.
- X: not comparable.

MHCLG warns that IoD scores are not comparable between editions, so only ranks (as a national percentile) and
deciles are compared. Census counts are compared over groups of LSOAs that cover the same ground in both
censuses (connected parts of the lookup), so sums are exact.
"""

from __future__ import annotations

import pandas as pd

from mapkit.errors import RawDataError
from mapkit.data.io import read_csv

__all__ = ["RULE_TEXT", "change_types", "compare_iod", "movement_summary", "lookup_groups", "census_change"]

RULE_TEXT = ("IoD2019 (2011 LSOAs) is linked to IoD2025 (2021 LSOAs) by ONS's LSOA 2011 to 2021 lookup: unchanged "
             "and split LSOAs are compared (a split LSOA inherits its 2011 parent's rank and decile), merged LSOAs "
             "only where every merged part had the same 2019 decile, redrawn LSOAs not at all. MHCLG warns scores "
             "are not comparable between editions, so only ranks and deciles are compared.")
LOOKUP_COLUMNS = ["F_LSOA11CD", "CHGIND", "LSOA21CD"]
CHANGE_TYPES = ("U", "S", "M", "X")


def read_lookup(path) -> pd.DataFrame:
    """The English rows of ONS's LSOA (2011) to LSOA (2021) lookup: ``code11, change, code``."""
    frame = read_csv(path, LOOKUP_COLUMNS, dtype=str)
    frame = frame[LOOKUP_COLUMNS].set_axis(["code11", "change", "code"], axis=1)
    frame = frame[frame["code"].str.startswith("E")]
    bad = sorted(set(frame["change"]) - set(CHANGE_TYPES))
    if bad:
        raise RawDataError(f"{path}: CHGIND holds {bad}; ONS's lookup uses only U, S, M and X. Download it again.")
    return frame.drop_duplicates().reset_index(drop=True)


def change_types(lookup: pd.DataFrame) -> pd.Series:
    """One change type per 2021 LSOA (``X`` where its rows disagree), indexed by 2021 code."""
    kinds = lookup.groupby("code")["change"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else "X")
    return kinds.rename("change")


def compare_iod(lookup: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """IoD2019 against IoD2025 per 2021 LSOA, by the documented rule.

    Parameters
    ----------
    lookup
        ``code11, change, code`` (:func:`read_lookup`).
    old
        IoD2019 per 2011 LSOA: ``code11, rank, decile`` (rank 1 = most deprived of all ranked LSOAs).
    new
        IoD2025 per 2021 LSOA: ``code, rank, decile``.

    Returns
    -------
    pandas.DataFrame
        Per 2021 LSOA of ``new``: ``code, change, rank_old, decile_old, rank_new, decile_new, pct_change,
        decile_change, net_10, net_20, comparable, reason, n_old, n_new``. ``pct_change`` is the change in
        national position as a percentile (rank / number ranked x 100; positive = relatively less deprived);
        ``net_10`` and ``net_20`` are +1 for an LSOA that moved into the most deprived 10% (20%), -1 for one
        that moved out, 0 otherwise; all are missing where the LSOA is not comparable, with the reason.
    """
    n_old, n_new = len(old), len(new)
    links = lookup.merge(old, on="code11", how="left", validate="m:1").sort_values(["code", "code11"])
    links["part"] = links["code11"] + " (decile " + links["decile"].map(
        lambda d: "none" if d != d else str(int(d))) + ")"
    grouped = links.groupby("code", sort=False)
    frame = pd.DataFrame({
        "rank_old": grouped["rank"].first(), "decile_old": grouped["decile"].first(),
        "deciles": grouped["decile"].nunique(), "missing": grouped["decile"].agg(lambda d: d.isna().any()),
        "parents": grouped["code11"].agg(", ".join), "parts": grouped["part"].agg(", ".join),
    })
    frame["change"] = change_types(lookup).reindex(frame.index)
    kind, parents = frame["change"], frame["parents"]
    reason = pd.Series("", index=frame.index, dtype="object")
    reason[kind == "S"] = ("Split from 2011 LSOA " + parents + ": compared with that LSOA's IoD2019 rank and decile, "
                           "which it inherits.")
    same = (kind == "M") & (frame["deciles"] == 1)
    reason[same] = ("Merged from 2011 LSOAs " + parents + ", all in IoD2019 decile "
                    + frame["decile_old"].map(lambda d: str(int(d)) if d == d else "") + ": compared on decile only "
                    "(no single 2019 rank).")
    differ = (kind == "M") & (frame["deciles"] > 1)
    reason[differ] = "Not comparable: merged from 2011 LSOAs " + frame["parts"] + ", whose IoD2019 deciles differ."
    redrawn = kind == "X"
    reason[redrawn] = ("Not comparable: boundary redrawn between 2011 and 2021 (ONS change type X; 2011 LSOAs "
                       + parents + ").")
    missing = frame["missing"]
    reason[missing] = "Not comparable: 2011 LSOA(s) " + parents + " have no IoD2019 figure."
    frame["reason"] = reason
    frame.loc[differ | redrawn | missing, "decile_old"] = float("nan")
    frame.loc[~kind.isin(["U", "S"]) | missing, "rank_old"] = float("nan")
    frame = frame.reset_index(names="code")[["code", "change", "rank_old", "decile_old", "reason"]]
    out = new[["code", "rank", "decile"]].rename(columns={"rank": "rank_new", "decile": "decile_new"}).merge(
        frame, on="code", how="left", validate="1:1")
    unlinked = out["change"].isna()
    out.loc[unlinked, "reason"] = "Not comparable: not in ONS's LSOA 2011 to 2021 lookup."
    out["comparable"] = out["decile_old"].notna()
    out["pct_change"] = 100.0 * (out["rank_new"] / n_new - out["rank_old"] / n_old)
    out["decile_change"] = out["decile_new"] - out["decile_old"]
    for name, top in (("net_10", 1), ("net_20", 2)):
        moved = (out["decile_new"] <= top).astype(float) - (out["decile_old"] <= top).astype(float)
        out[name] = moved.where(out["comparable"])
    out["n_old"], out["n_new"] = n_old, n_new
    return out[["code", "change", "rank_old", "decile_old", "rank_new", "decile_new", "pct_change", "decile_change",
                "net_10", "net_20", "comparable", "reason", "n_old", "n_new"]]


def movement_summary(compared: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Per area: LSOAs that moved into / out of the most deprived 10% and 20%, and those not comparable.

    Parameters
    ----------
    compared
        :func:`compare_iod`'s output.
    by
        The area code of each row of ``compared`` (e.g. its ward).

    Returns
    -------
    pandas.DataFrame
        ``code, lsoas, comparable, not_comparable, into_10, out_10, into_20, out_20``.
    """
    work = compared.assign(group=by.to_numpy())
    work = work[work["group"].notna()]
    grouped = work.groupby("group")
    out = pd.DataFrame({
        "lsoas": grouped.size(),
        "comparable": grouped["comparable"].sum(),
        "into_10": grouped["net_10"].agg(lambda s: int((s == 1).sum())),
        "out_10": grouped["net_10"].agg(lambda s: int((s == -1).sum())),
        "into_20": grouped["net_20"].agg(lambda s: int((s == 1).sum())),
        "out_20": grouped["net_20"].agg(lambda s: int((s == -1).sum())),
    })
    out["not_comparable"] = out["lsoas"] - out["comparable"]
    return out.reset_index(names="code").astype({c: "int64" for c in out.columns})


def lookup_groups(lookup: pd.DataFrame) -> pd.DataFrame:
    """Groups of LSOAs that cover the same ground in 2011 and 2021: the connected parts of the lookup.

    Returns ``code11, code, group`` (one row per lookup pair); ``group`` names the part by its first 2021 code.
    """
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for old, new in zip(lookup["code11"], lookup["code"]):
        a, b = find("11:" + old), find("21:" + new)
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = {code: find("21:" + code) for code in lookup["code"].unique()}
    first = {}
    for code in sorted(roots):
        first.setdefault(roots[code], code)
    return lookup[["code11", "code"]].assign(group=lookup["code"].map(lambda c: first[roots[c]]))


def census_change(lookup: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame, areas: pd.DataFrame,
                  by: str | None) -> pd.DataFrame:
    """Change in the share ``numerator / denominator`` (percentage points) between censuses, on exact sums.

    Both censuses are summed over the same groups of LSOAs (:func:`lookup_groups`). At LSOA (``by`` None) an LSOA
    is compared only where its group holds no other 2021 LSOA (unchanged or merged); for an area, only the groups
    lying wholly inside it are counted, and the LSOAs left out are named in the note.

    Parameters
    ----------
    lookup
        ``code11, change, code``.
    old, new
        Counts per 2011 LSOA (``code11``) and per 2021 LSOA (``code``): ``numerator, denominator``.
    areas
        Per 2021 LSOA: ``code`` and the area column ``by``.
    by
        Area column of ``areas``, or None for the LSOAs themselves.

    Returns
    -------
    pandas.DataFrame
        ``code, value, numerator, denominator, note`` (the later census's counts; value in percentage points).
    """
    groups = lookup_groups(lookup)
    kinds = change_types(lookup)
    area_col = by or "code"
    members = areas[["code", area_col]].drop_duplicates("code") if by else areas[["code"]].assign()
    g21 = groups.drop_duplicates("code")[["code", "group"]].merge(members, on="code", how="inner")
    if by is None:
        size = g21.groupby("group")["code"].transform("size")
        usable = (size == 1) & g21["code"].map(kinds).isin(["U", "M"])
        place = g21.assign(area=g21["code"].where(usable))
    else:
        one_area = g21.groupby("group")[area_col].transform("nunique").eq(1) & g21[area_col].notna()
        place = g21.assign(area=g21[area_col].where(one_area))
    group_area = place.dropna(subset=["area"]).drop_duplicates("group").set_index("group")["area"]
    old_sum = groups.drop_duplicates("code11").merge(old, on="code11", how="left").groupby("group")[
        ["numerator", "denominator"]].sum(min_count=1)
    new_sum = place.merge(new, on="code", how="left").groupby("group")[["numerator", "denominator"]].sum(min_count=1)
    per_group = old_sum.merge(new_sum, left_index=True, right_index=True, suffixes=("_old", "_new"))
    per_group = per_group[per_group.index.isin(group_area.index)].dropna()
    totals = per_group.groupby(per_group.index.map(group_area)).sum()
    share_old = 100.0 * totals["numerator_old"] / totals["denominator_old"]
    share_new = 100.0 * totals["numerator_new"] / totals["denominator_new"]
    out = pd.DataFrame({"value": share_new - share_old, "numerator": totals["numerator_new"],
                        "denominator": totals["denominator_new"]})
    counted = place.dropna(subset=["area"]).groupby("area")["code"].size()
    all_lsoas = (members.groupby(area_col)["code"].size() if by else pd.Series(1, index=members["code"]))
    notes = []
    for code in out.index:
        text = (f"2011: {share_old[code]:.1f}% ({int(totals.at[code, 'numerator_old']):,} of "
                f"{int(totals.at[code, 'denominator_old']):,} households); 2021: {share_new[code]:.1f}% "
                f"({int(totals.at[code, 'numerator_new']):,} of {int(totals.at[code, 'denominator_new']):,}).")
        left_out = int(all_lsoas.get(code, 0) - counted.get(code, 0))
        if left_out:
            text += (f" {left_out} of its {int(all_lsoas[code])} LSOAs left out: their 2011 LSOAs also cover "
                     "ground outside this area.")
        notes.append(text)
    out["note"] = notes
    return out.reset_index(names="code")
