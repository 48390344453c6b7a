"""Plain-language help: "how to read this map", the IoD glossary and the accessibility statement (the map's text
alternative is :mod:`mapkit.analysis.describe`). Text only (Markdown), composed here once for the app; no Streamlit.

The glossary follows MHCLG's definitions (English Indices of Deprivation 2025, technical report, "summary
measures") as applied in ``docs/iod_method.md``.
"""

from __future__ import annotations


HOW_TO_READ = """\
- **Each shape is an area** (a ward, district, combined authority or LSOA neighbourhood). Its colour shows which
  **class** its figure falls in; the key (legend) in the map's corner gives each class's range, in words and numbers.
- **Darker means worse** for deprivation and for most measures (higher deprivation, lower pay). For sizes such as
  population, darker simply means higher. The key says which, for the figure on the map.
- **Grey with a dashed outline means no data**, with the reason in the area's note. Nothing is estimated to fill
  a gap.
- **Rank 1 is the worst** (most deprived, or lowest where higher is better); for sizes rank 1 is the highest.
- **Hover over or tap an area** to see its figure and ranks; **click it**, or press Enter on it, to open its
  profile. Without a mouse: press Tab until "Areas by keyboard" in the map's top-left corner is focused, then use
  the arrow keys.
- **Every figure is in the Ranked table** below the map, with the same values, ranks and notes, and can be
  downloaded as a CSV with its source.
"""

GLOSSARY: dict[str, str] = {
    "Index of Multiple Deprivation (IMD)": "MHCLG's overall measure of relative deprivation for small areas "
    "(LSOAs), combining seven domains: income, employment, education, health, crime, barriers to housing and "
    "services, and living environment. It says which areas are more deprived than others, not by how much.",
    "Score": "For an LSOA, the published IMD or domain score: higher is more deprived. For a ward, district or "
    "combined authority, the average score is the population-weighted mean of its LSOAs' scores. Scores are not "
    "comparable between editions of the Indices.",
    "Rank": "An area's position when all areas of the same kind are ordered. On this map rank 1 is the most "
    "deprived (or the worst). The district average rank is MHCLG's: the population-weighted mean of its LSOAs' "
    "ranks, turned round so that a higher value is more deprived.",
    "Decile": "One tenth of all LSOAs in England, by national rank: decile 1 is the most deprived 10%, decile 10 "
    "the least deprived 10%. A decile compares an area with the whole of England, whatever region is shown.",
    "Extent": "The share of an area's population living in the most deprived 10% of LSOAs in England, plus a "
    "sliding part of those in the next 20% (percentiles 11 to 30, weighted from 0.95 down to 0.05). It shows how "
    "widespread high deprivation is.",
    "Local concentration": "The population-weighted average rank of an area's most deprived LSOAs that hold 10% "
    "of its population. It shows how severe deprivation is in an area's hot spots. Higher is more deprived.",
    "LSOA": "Lower layer super output area: a neighbourhood of about 1,500 people (1,000 to 3,000), the smallest "
    "area for which the Indices of Deprivation are published.",
    "Class": "A band of values shown in one colour. How the bands are drawn (quantiles, equal steps, national "
    "deciles) is set under Classes and colours, and the key says which.",
}


def glossary_markdown() -> str:
    """The glossary as a Markdown definition list."""
    return "\n".join(f"- **{term}**: {text}" for term, text in GLOSSARY.items())


STATEMENT = """\
### Accessibility statement for the England policy map

This statement applies to the England policy map web app. We want as many people as possible to be able to use
it. You should be able to:

- choose the region, areas, indicator, classes and palette, search, open an area's profile, compare areas and
  export files using a keyboard only;
- step through the areas of the map with the keyboard ("Areas by keyboard" in the map's top-left corner: arrow
  keys, Home, End, Enter), with each area announced to screen readers;
- read what the map shows as text (the "Text description of the map" under it) and every figure in the ranked
  table, which can also be shown as a plain HTML table with headers;
- read the map's key as text: each class names its range in words and numbers, and "no data" is drawn with a
  dashed outline as well as in grey, so colour is never the only carrier of meaning;
- use the app on a phone (390 pixels wide) or a tablet, and zoom to 200% without losing content.

### How accessible this app is

We test it automatically with axe-core (WCAG 2.2 A and AA rules) on the default view, England's wards, a combined
authority's LSOAs, an open profile, the Compare areas and Export tabs and an error notice, and with a
keyboard-only test of the main tasks. We know some parts are not fully accessible:

- the data grids of the ranked, profile and comparison tables are drawn by Streamlit on a canvas; screen readers
  read them as a grid, cell by cell. The ranked table's "Show as a plain table" option gives a real table;
- the charts (profile positions, time series, residents near an overlay) are images for screen readers; their
  figures are in the tables beside them;
- inside the map, the Tab key also visits every overlay marker before it leaves the map;
- the outlines marking compared and similar areas (blue, pink) can be hard to see on some colours; the areas
  they mark are listed as text in the Compare areas tab and the profile;
- Streamlit's file upload box has a minor issue in its markup that we cannot change; the remaining moderate and
  minor findings of the automated test are listed in the accessibility notes published with the
  project's source code;
- the basemap tiles come from third parties and are decoration: the map is readable without them.

### Feedback and contact information

If you find a problem not listed here, or need the information in another format, open an issue in the project's
issue tracker with "Accessibility" in the title, saying which page, what you were trying to do and what
assistive technology you used. We aim to reply within 5 working days.

### Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites
and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your
complaint, contact the Equality Advisory and Support Service (EASS).

### Compliance status

This app is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to
the non-compliances listed above.

This statement was prepared on 26 November 2026 from the project's automated and keyboard tests.
"""
