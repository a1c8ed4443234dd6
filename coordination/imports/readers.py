"""Reading the table of a survey export: XLSX, or CSV with comma, semicolon or tab (UTF-8
with or without BOM, or Windows-1252). Bytes in, header and rows out; a file that cannot be
read at all raises ``ExportFileError`` with one clear message."""

import csv
import datetime as dt
import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _


class ExportFileError(Exception):
    """The file cannot be read at all (one clear message)."""


def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes, filename: str = "") -> tuple[list[str], list[list[Any]]]:
    """The header and the data rows of an XLSX or CSV file."""
    if not data or not data.strip():
        raise ExportFileError(_("The file is empty."))
    lower = filename.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith((".xlsx", ".xlsm")):
        rows = _read_xlsx(data)
    else:
        rows = _read_csv(data)
    rows = [
        r
        for r in rows
        if any(str(v).strip() for v in r if not isinstance(v, dt.date))
        or any(isinstance(v, dt.date) for v in r)
    ]
    if not rows:
        raise ExportFileError(_("The file is empty."))
    header = [str(h).strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    if not header or not any(header):
        raise ExportFileError(_("The file has no header row."))
    return header, rows[1:]


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ExportFileError(
            _("The file is not a readable XLSX workbook (it may be truncated or damaged).")
        ) from exc
    except Exception as exc:  # openpyxl raises assorted errors on damaged parts
        raise ExportFileError(
            _("The file is not a readable XLSX workbook (it may be truncated or damaged).")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:
        raise ExportFileError(
            _("The file is not a readable XLSX workbook (it may be truncated or damaged).")
        ) from exc
    finally:
        workbook.close()
    return rows


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ExportFileError(_("The file is neither an XLSX workbook nor a CSV text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ExportFileError(
            _("The file is neither an XLSX workbook nor a CSV text file (unknown encoding).")
        ) from exc
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t")
    if controls:
        raise ExportFileError(_("The file is neither an XLSX workbook nor a CSV text file."))
    return text


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ExportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
