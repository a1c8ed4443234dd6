"""CSV and XLSX writers shared by every export of the project (survey results, action items,
reports). Cells that a spreadsheet program would read as a formula are neutralised
(OWASP "CSV injection"): stored text stays text wherever it is opened.

CSV is the harder case: Excel in fr-BE and nl-BE splits on ``;``, other locales on ``,``, and an
import wizard may split on tabs, so a cell such as ``x;=1+1;y`` hides a formula in its second
part. :func:`neutralise_csv_text` therefore protects the start of the cell *and* the start of
every part that any of those separators would cut out of it, and :func:`write_csv` quotes
every cell.

``rows`` is an iterable of sequences; the first row is usually the header.
"""

import csv
import io
import re
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


# The start of a part of a CSV cell (the cell's start, or just after a separator a spreadsheet
# program may split on: the list separators of every locale, the import wizard's tab, line
# breaks for programs that ignore quoting), leading spaces allowed, followed by a character
# that opens a formula.
_FORMULA_PART = re.compile(r"(^|[,;\t\r\n])([^\S\t\r\n]*)(?=[=+\-@])")


def neutralise_csv_text(text: str) -> str:
    """Text that no spreadsheet program reads as a formula, whatever separator it splits the
    cell on: an apostrophe goes before every ``= + - @`` that opens the cell or one of its
    ``,``/``;``/tab/line-separated parts, and before a cell opening with a tab, carriage
    return, line feed or NUL. Other text is returned unchanged."""
    text = _FORMULA_PART.sub(r"\1\2'", text)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return value


def _csv_cell(value: Any) -> Any:
    value = _text(value)
    return neutralise_csv_text(value) if isinstance(value, str) else value


def write_csv(rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> bytes:
    """The one CSV writer of the project: UTF-8 with a byte-order mark (so that Excel reads
    accents), every cell quoted, every text cell passed through :func:`neutralise_csv_text`.
    Numbers, dates and ``None`` (an empty cell) keep their value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
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
