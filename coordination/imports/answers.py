"""Parsing the answers of a survey export (pure: bytes in, parsed rows and problems out; no
database): the table (``readers``) and its columns (``columns``) give each cell's question,
and the cell's text becomes option codes, Likert scale codes, two-column answers or open
text; what cannot be read is a problem with a reason code.

``parse_export(data, filename=..., catalogue=..., language=..., mapping=...)`` returns a
:class:`ParsedExport`; a file that cannot be read at all raises :class:`ExportFileError`.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from coordination.imports.columns import (
    LANGUAGES,
    Column,
    detect_language,
    map_columns,
    option_by_label,
)
from coordination.imports.readers import ExportFileError, read_table
from coordination.models import normalise_name

# Reason codes of row problems (the report shows a translated message beside each).
UNKNOWN_OPTION = "unknown_option"
INVALID_EMAIL = "invalid_email"
MISSING_ORGANISATION = "missing_organisation"
DUPLICATE_ROW = "duplicate_row"
UNKNOWN_MERGE_TARGET = "unknown_merge_target"
INVALID_DATE = "invalid_date"
RAGGED_ROW = "ragged_row"
CONTACT_OTHER_ORGANISATION = "contact_other_organisation"
DATABASE_ERROR = "database_error"


TICKED = {"y", "yes", "1", "x", "true", "oui", "ja", "checked", "selected", "vrai", "waar"}


UNTICKED = {"", "n", "no", "0", "false", "non", "nee", "faux", "onwaar", "not selected"}


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str
    message: str


@dataclass
class ParsedRow:
    row: int  # spreadsheet row number (the header is row 1)
    meta: dict[str, Any]
    answers: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ParsedExport:
    language: str
    columns: list[Column]
    rows: list[ParsedRow]
    ignored_columns: list[str]


def _split_multiple(question: dict, text: str) -> tuple[list[str], list[str]]:
    """Option codes and unmatched pieces of a one-cell multiple answer (``;`` or ``,``)."""
    whole = option_by_label(question, text)
    if whole:
        return [whole], []
    if ";" in text:
        pieces = [p.strip() for p in text.split(";") if p.strip()]
    else:
        pieces = [p.strip() for p in text.split(",") if p.strip()]
    codes: list[str] = []
    unmatched: list[str] = []
    index = 0
    # Labels may themselves contain commas: join the longest run of pieces that is a label.
    while index < len(pieces):
        for end in range(len(pieces), index, -1):
            candidate = (", " if ";" not in text else "; ").join(pieces[index:end])
            code = option_by_label(question, candidate)
            if code:
                codes.append(code)
                index = end
                break
        else:
            unmatched.append(pieces[index])
            index += 1
    return list(dict.fromkeys(codes)), unmatched


def _other_code(question: dict) -> str | None:
    for option in question.get("options", []):
        if option.get("other"):
            return option["code"]
    return None


def _parse_choice(question: dict, text: str, *, multiple: bool):
    """(value, other text, unknown pieces)."""
    other = _other_code(question)
    if multiple:
        codes, unmatched = _split_multiple(question, text)
    else:
        code = option_by_label(question, text)
        codes, unmatched = ([code], []) if code else ([], [text])
    other_text = ""
    if unmatched and other:
        # Microsoft and Google Forms put the free text of "Other" in the answer itself.
        other_text = "; ".join(unmatched)
        unmatched = []
        if other not in codes:
            codes.append(other)
    if multiple:
        return codes, other_text, unmatched
    return (codes[0] if codes else None), other_text, unmatched


def _is_ticked(question: dict, code: str, text: str) -> bool | None:
    key = normalise_name(text)
    if key in UNTICKED:
        return False
    if key in TICKED:
        return True
    option_code = option_by_label(question, text)
    if option_code == code:
        return True
    return None


def parse_rows(
    table_rows: list[list[Any]],
    columns: list[Column],
    header_length: int,
    catalogue: dict[int, dict],
) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    for offset, cells in enumerate(table_rows):
        row_number = offset + 2
        row = ParsedRow(row=row_number, meta={}, answers={})
        extra = [c for c in cells[header_length:] if str(c).strip()]
        if extra:
            row.problems.append(
                Problem(
                    row_number,
                    "",
                    str(extra[0])[:100],
                    RAGGED_ROW,
                    _("The row has %(cells)s cells but the header only %(header)s.")
                    % {"cells": len(cells), "header": header_length},
                )
            )
        for column in columns:
            raw = cells[column.index] if column.index < len(cells) else ""
            if isinstance(raw, dt.date):
                value: Any = raw
            else:
                value = str(raw).strip()
            if column.meta:
                if value != "":
                    row.meta[column.meta] = value
                continue
            if value == "":
                continue
            _apply_answer(row, column, catalogue[column.number], str(value))
        parsed.append(row)
    return parsed


def _apply_answer(row: ParsedRow, column: Column, question: dict, text: str) -> None:
    key = f"q{question['number']}"
    kind = question.get("kind")
    has_options = bool(question.get("options"))

    def unknown(value: str) -> None:
        row.problems.append(
            Problem(
                row.row,
                column.header,
                value,
                UNKNOWN_OPTION,
                _("“%(value)s” is not an answer option of question %(number)s.")
                % {"value": value, "number": question["number"]},
            )
        )

    part = column.part
    if part == "other":
        row.answers[f"{key}_other"] = text
        other = _other_code(question)
        if other and kind == "multiple":
            codes = row.answers.setdefault(key, [])
            if other not in codes:
                codes.append(other)
        elif other and kind == "single" and not row.answers.get(key):
            row.answers[key] = other
        return
    if part.startswith("option:"):
        code = part.split(":", 1)[1]
        ticked = _is_ticked(question, code, text)
        option = next(o for o in question["options"] if o["code"] == code)
        if ticked is None and option.get("other"):
            ticked = True
            row.answers[f"{key}_other"] = text
        if ticked is None:
            unknown(text)
            return
        if ticked:
            if kind == "single":
                row.answers[key] = code
            else:
                codes = row.answers.setdefault(key, [])
                if code not in codes:
                    codes.append(code)
        return
    if part.startswith("row:"):
        code = option_by_label(question, text)
        if code is None:
            unknown(text)
            return
        row.answers.setdefault(key, {})[part.split(":", 1)[1]] = code
        return
    if part in ("all", "ukraine"):
        if not has_options:
            row.answers.setdefault(key, {})[part] = text
            return
        value, other_text, unmatched = _parse_choice(question, text, multiple=kind == "multiple")
        for piece in unmatched:
            unknown(piece)
        if value:
            row.answers.setdefault(key, {})[part] = value
        if other_text:
            row.answers[f"{key}_other"] = other_text
        return
    if kind in ("single", "multiple") and has_options:
        value, other_text, unmatched = _parse_choice(question, text, multiple=kind == "multiple")
        for piece in unmatched:
            unknown(piece)
        if value:
            if kind == "multiple":
                codes = row.answers.setdefault(key, [])
                codes += [c for c in value if c not in codes]
            else:
                row.answers[key] = value
        if other_text:
            row.answers[f"{key}_other"] = other_text
        return
    if kind == "likert":
        unknown(text)
        return
    # Open answers (and file links) are kept as text, never evaluated.
    row.answers[key] = text


def parse_export(
    data: bytes,
    *,
    filename: str = "",
    catalogue: dict[int, dict],
    language: str = "",
    mapping: dict[str, dict] | None = None,
) -> ParsedExport:
    header, table_rows = read_table(data, filename)
    columns, ignored = map_columns(header, catalogue, mapping)
    if not language:
        language = detect_language(columns, catalogue) or ""
    if not language:
        language_column = next((c for c in columns if c.meta == "language"), None)
        if language_column is not None:
            values = {
                str(r[language_column.index]).strip().lower()[:2]
                for r in table_rows
                if language_column.index < len(r)
            }
            values &= set(LANGUAGES)
            if len(values) == 1:
                language = values.pop()
    if not language:
        raise ExportFileError(
            _("The form language cannot be told from the headers: choose it (fr, nl or en).")
        )
    rows = parse_rows(table_rows, columns, len(header), catalogue)
    return ParsedExport(language=language, columns=columns, rows=rows, ignored_columns=ignored)
