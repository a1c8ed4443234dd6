"""CSV and XLSX writers shared by every export, with formula-injection protection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@`` (or a tab/carriage return, which some
spreadsheet programs strip before evaluating) is prefixed with an apostrophe so that Excel,
LibreOffice and Google Sheets show it as text instead of evaluating it (OWASP "CSV injection").
Numbers, dates and booleans are kept as values.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Return ``value`` unchanged unless it is text a spreadsheet would read as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime | dt.time):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_csv(rows: list[list]) -> bytes:
    """UTF-8 CSV (with a byte-order mark so that Excel detects the encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: list[list], sheet: str) -> bytes:
    """One-sheet XLSX workbook; every text cell is stored as a string, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = (sheet or "Sheet")[:31]
    for row in rows:
        values = []
        for cell in row:
            value = neutralise_cell(cell)
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            values.append(value)
        worksheet.append(values)
        for cell in worksheet[worksheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
