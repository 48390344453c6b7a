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


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numeric columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame, *, header_lines: Iterable[str] = (), float_format: str | None = None) -> str:
    """``frame`` as CSV text (no index, ``\\n`` line ends), after ``header_lines`` (e.g. ``# source``) if any;
    ``float_format`` (e.g. ``"%.15g"``) writes floats with it (``258370`` rather than ``258370.0``)."""
    buffer = io.StringIO()
    for line in header_lines:
        buffer.write(safe_text(line))
    safe = safe_frame(frame)
    safe.to_csv(buffer, index=False, lineterminator="\n", quoting=_quoting(v for c in safe for v in safe[c]),
                float_format=float_format)
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
