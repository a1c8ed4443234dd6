"""Reading the table of a survey export: XLSX, or CSV with comma, semicolon or tab (UTF-8
with or without BOM, or Windows-1252). Bytes in, header and rows out; a file that cannot be
read at all raises ``ExportFileError`` with one clear message.

Hostile files are refused early, by the limits of :class:`ImportLimits` (settings
``SURVEY_IMPORT_MAX_*``): the file's size; for an XLSX, the uncompressed size of its parts
and their compression ratio (a zip bomb) before anything is unpacked; then rows and columns
as they are read. An XLSX's declared ``<dimension>`` is never trusted (openpyxl would pad
every row to it): rows are read as they come, in read-only mode, and reading stops at the
limit. A CSV is decoded and split line by line."""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class ExportFileError(Exception):
    """The file cannot be read at all (one clear message)."""


# Parts smaller than this are not held to the compression ratio (small XML parts such as
# styles compress very well and are harmless).
RATIO_CHECKED_FROM_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_uncompressed_bytes: int
    max_compression_ratio: int

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        return cls(
            max_bytes=settings.SURVEY_IMPORT_MAX_BYTES,
            max_rows=settings.SURVEY_IMPORT_MAX_ROWS,
            max_columns=settings.SURVEY_IMPORT_MAX_COLUMNS,
            max_uncompressed_bytes=settings.SURVEY_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_compression_ratio=settings.SURVEY_IMPORT_MAX_COMPRESSION_RATIO,
        )

    def file_size_check(self, size: int) -> None:
        if size > self.max_bytes:
            raise ExportFileError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(self.max_bytes)}
            )

    def archive_check(self, archive: zipfile.ZipFile) -> None:
        """Refuse a workbook that would unpack to too much, or a part compressed like a zip
        bomb, from the sizes in the archive's directory (zipfile never unpacks more than a
        part's declared size)."""
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if total > self.max_uncompressed_bytes:
                raise ExportFileError(
                    _("The workbook unpacks to more than %(limit)s.")
                    % {"limit": filesizeformat(self.max_uncompressed_bytes)}
                )
            if (
                info.file_size >= RATIO_CHECKED_FROM_BYTES
                and info.file_size > self.max_compression_ratio * max(info.compress_size, 1)
            ):
                raise ExportFileError(
                    _(
                        "The workbook is compressed more than %(ratio)d to 1, as no survey "
                        "export is: it is refused."
                    )
                    % {"ratio": self.max_compression_ratio}
                )

    def bounded(self, rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
        """``rows`` (the header first), refused as soon as one is too wide or there are too
        many (blank rows count: they cost reading too)."""
        for count, row in enumerate(rows):
            if count > self.max_rows:
                raise ExportFileError(
                    ngettext(
                        "The file has more than %(limit)d row of answers.",
                        "The file has more than %(limit)d rows of answers.",
                        self.max_rows,
                    )
                    % {"limit": self.max_rows}
                )
            if len(row) > self.max_columns:
                raise ExportFileError(
                    ngettext(
                        "The file has more than %(limit)d column.",
                        "The file has more than %(limit)d columns.",
                        self.max_columns,
                    )
                    % {"limit": self.max_columns}
                )
            yield row


def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _has_content(row: list[Any]) -> bool:
    return any(isinstance(v, dt.date) or str(v).strip() for v in row)


def read_table(
    data: bytes, filename: str = "", *, limits: ImportLimits | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The header and the data rows of an XLSX or CSV file, within ``limits`` (the
    settings' by default)."""
    limits = limits or ImportLimits.from_settings()
    limits.file_size_check(len(data))
    if not data or not data.strip():
        raise ExportFileError(_("The file is empty."))
    lower = filename.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith((".xlsx", ".xlsm")):
        rows = _read_xlsx(data, limits)
    else:
        rows = _read_csv(data, limits)
    rows = [r for r in rows if _has_content(r)]
    if not rows:
        raise ExportFileError(_("The file is empty."))
    header = [str(h).strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    if not header or not any(header):
        raise ExportFileError(_("The file has no header row."))
    return header, rows[1:]


def _read_xlsx(data: bytes, limits: ImportLimits) -> list[list[Any]]:
    from openpyxl import load_workbook

    unreadable = _("The file is not a readable XLSX workbook (it may be truncated or damaged).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.archive_check(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExportFileError(unreadable) from exc
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
        # The declared dimension may claim A1:XFD1048576: ignore it, read the cells there are.
        sheet.reset_dimensions()
        rows = [
            [_cell_text(v) for v in row]
            for row in limits.bounded(sheet.iter_rows(values_only=True))
        ]
    except ExportFileError:
        raise
    except Exception as exc:
        raise ExportFileError(
            _("The file is not a readable XLSX workbook (it may be truncated or damaged).")
        ) from exc
    finally:
        workbook.close()
    return rows


_CONTROLS = frozenset(chr(c) for c in range(32)) - frozenset("\r\n\t")


def _lines(data: bytes, encoding: str) -> Iterator[str]:
    """The text of ``data`` line by line (decoded as it is read, not all at once)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    for line in text:
        if encoding == "cp1252" and not _CONTROLS.isdisjoint(line):
            raise ExportFileError(_("The file is neither an XLSX workbook nor a CSV text file."))
        yield line


def _read_csv(data: bytes, limits: ImportLimits) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise ExportFileError(_("The file is neither an XLSX workbook nor a CSV text file."))
    first_line = data.lstrip(b"\r\n").split(b"\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=lambda d: first_line.count(d.encode()))
    # UTF-8 (with or without BOM) unless a byte says otherwise, then Windows-1252 from the top.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            reader = csv.reader(_lines(data, encoding), delimiter=delimiter)
            return list(limits.bounded(reader))
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise ExportFileError(
                _("The CSV file cannot be read: %(error)s") % {"error": exc}
            ) from exc
    raise ExportFileError(
        _("The file is neither an XLSX workbook nor a CSV text file (unknown encoding).")
    )
