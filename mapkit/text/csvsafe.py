"""Spreadsheet-safe CSV and text: a cell that a spreadsheet would run as a formula is written as text.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front (OWASP,
"CSV Injection"), so Excel, LibreOffice and Google Sheets show it instead of evaluating it. Numbers stay numbers:
only text cells are changed, so a negative value in a numeric column is written as ``-1.5``. Every CSV and text
export goes through this module, whatever the source of its names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, TextIO

import pandas as pd

__all__ = ["FORMULA_START", "csv_text", "neutralise", "safe_frame", "safe_text", "write_rows"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading single quote if it is text a spreadsheet would run as a formula; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns
            if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numeric columns untouched; a number in a text
    column is left as it is)."""
    out = frame.copy()
    for column in _text_columns(out):
        cells = out[column].astype("object")
        formula = cells.str.startswith(FORMULA_START, na=False)  # False for anything that is not text
        if formula.any():
            cells = cells.where(~formula, "'" + cells.where(formula, ""))
        out[column] = cells
    out.columns = [neutralise(c) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame, *, header_lines: Iterable[str] = (), float_format: str | None = None) -> str:
    """``frame`` as CSV text (no index, ``\\n`` line ends), after ``header_lines`` (e.g. ``# source``) if any;
    ``float_format`` (e.g. ``"%.15g"``) writes floats with it (``258370`` rather than ``258370.0``)."""
    buffer = io.StringIO()
    for line in header_lines:
        buffer.write(safe_text(line))
    safe = safe_frame(frame)
    carriage = any(safe[c].astype("object").str.contains("\r", regex=False, na=False).any()
                   for c in _text_columns(safe)) or any("\r" in str(c) for c in safe.columns)
    safe.to_csv(buffer, index=False, lineterminator="\n",
                quoting=csv.QUOTE_NONNUMERIC if carriage else csv.QUOTE_MINIMAL, float_format=float_format)
    return buffer.getvalue()


def _quoting(cells: Iterable[Any]) -> int:
    """Minimal quoting, unless a text cell holds a carriage return: the csv module leaves it unquoted with ``\n``
    line ends, which would split the row, so then every text cell is quoted."""
    return csv.QUOTE_NONNUMERIC if any(isinstance(c, str) and "\r" in c for c in cells) else csv.QUOTE_MINIMAL


def write_rows(stream: TextIO, rows: Iterable[Iterable[Any]]) -> None:
    """Rows written with :mod:`csv` to ``stream``, every text cell neutralised."""
    safe = [[neutralise(cell) for cell in row] for row in rows]
    writer = csv.writer(stream, lineterminator="\n", quoting=_quoting(c for row in safe for c in row))
    writer.writerows(safe)


def safe_text(text: str) -> str:
    """Plain text whose every line is neutralised (a text file opened in a spreadsheet is read line by line)."""
    return "".join(neutralise(line) for line in text.splitlines(keepends=True)) if text else text
