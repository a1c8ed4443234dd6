"""CSV and XLSX writers shared by every export of the project (survey results, action items,
reports). Cells that a spreadsheet program would read as a formula are neutralised
(OWASP "CSV injection"): stored text stays text wherever it is opened.

``rows`` is an iterable of sequences; the first row is usually the header.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def neutralise_cell(value: Any) -> Any:
    """A cell value safe to open in Excel/LibreOffice: text beginning with ``= + - @`` (or a
    tab/carriage return) is prefixed with an apostrophe. Numbers, dates and ``None`` pass
    through unchanged (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return value


def write_csv(rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> bytes:
    """UTF-8 CSV with a byte-order mark (so that Excel reads accents correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise_cell(_text(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[Sequence[Any]], *, title: str = "Sheet1") -> bytes:
    """One-sheet XLSX; text cells are written as strings (never as formulas). Streams rows
    (openpyxl's write-only mode), so large exports stay linear in time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet((title or "Sheet1")[:31])
    for row in rows:
        cells = []
        for value in row:
            value = neutralise_cell(_text(value))
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl would turn text beginning with "=" into a formula: force text.
                cell.data_type = TYPE_STRING
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
