"""Reading survey exports (pure: bytes in, parsed rows and problems out; no database).

Handles XLSX and CSV (comma, semicolon or tab; UTF-8 with or without BOM, or Windows-1252),
questions identified by the number their header starts with (``56.``, ``56)``, ``Q56``,
``Q56 -``, ``56 -``) or by a mapping file (TOML or YAML), multiple-choice answers in one cell
or one column per option (``3. … [French]``, ``Q3[SQ002]``), Likert grids one column per row,
two-column questions, and the usual metadata columns. Labels are matched in English, French
or Dutch without regard to case, accents, punctuation or surrounding blanks.

``parse_export(data, filename=..., catalogue=..., language=..., mapping=...)`` returns a
:class:`ParsedExport`; a file that cannot be read at all raises :class:`ExportFileError`.
"""

import csv
import datetime as dt
import io
import re
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from coordination.models import normalise_name

LANGUAGES = ("en", "fr", "nl")

# Reason codes of row problems (the report shows a translated message beside each).
UNKNOWN_OPTION = "unknown_option"
INVALID_EMAIL = "invalid_email"
MISSING_ORGANISATION = "missing_organisation"
DUPLICATE_ROW = "duplicate_row"
AMBIGUOUS_ORGANISATION = "ambiguous_organisation"
INVALID_DATE = "invalid_date"
RAGGED_ROW = "ragged_row"
CONTACT_OTHER_ORGANISATION = "contact_other_organisation"
DATABASE_ERROR = "database_error"

META_ALIASES = {
    "id": {
        "id",
        "response id",
        "responseid",
        "respondent id",
        "id de la reponse",
        "id reponse",
        "reactie id",
        "antwoord id",
        "id van de reactie",
    },
    "started_at": {
        "start time",
        "started",
        "startdate",
        "date started",
        "begintijd",
        "starttijd",
        "heure de debut",
        "date de lancement",
        "date de debut",
    },
    "submitted_at": {
        "completion time",
        "submitdate",
        "date submitted",
        "timestamp",
        "horodateur",
        "tijdstempel",
        "tijd van voltooien",
        "voltooiingstijd",
        "heure de fin",
        "date de soumission",
        "date d envoi",
        "end time",
    },
    "email": {
        "email",
        "e mail",
        "email address",
        "adresse e mail",
        "adresse email",
        "e mailadres",
        "emailadres",
        "courriel",
    },
    "name": {"name", "naam", "nom", "respondent name", "full name", "nom complet"},
    "language": {"startlanguage", "langue de depart", "start language", "taal", "language"},
    "last_modified": {
        "last modified time",
        "laatste wijzigingstijd",
        "heure de derniere modification",
    },
}
META_BY_ALIAS = {alias: key for key, aliases in META_ALIASES.items() for alias in aliases}

HEADER_NUMBER = re.compile(r"^\s*(?:Q\s*)?(\d{1,3})(?=\s*[.):\-–\[]|\s|$)\s*[.):\-–]?\s*", re.I)
BRACKET = re.compile(r"\[([^\[\]]*)\]\s*$")
SUBQUESTION = re.compile(r"^(?:SQ|A)?0*(\d+)$", re.I)

TICKED = {"y", "yes", "1", "x", "true", "oui", "ja", "checked", "selected", "vrai", "waar"}
UNTICKED = {"", "n", "no", "0", "false", "non", "nee", "faux", "onwaar", "not selected"}
COLUMN_WORDS = {
    "ukraine": ("ukrain", "oekrain"),
    "all": ("all", "tous", "toutes", "ensemble", "alle"),
}
OTHER_WORDS = {"other", "autre", "autres", "andere", "comment", "other text", "precisez"}


class ExportFileError(Exception):
    """The file cannot be read at all (one clear message)."""


class MappingFileError(ExportFileError):
    pass


@dataclass(frozen=True)
class Column:
    """What one column of the export holds."""

    index: int
    header: str
    meta: str = ""  # a metadata key, or "" for a question column
    number: int = 0
    part: str = ""  # "", "all"/"ukraine", "option:<code>", "row:<code>", "other"


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


# --- Reading the table -----------------------------------------------------------------------


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


# --- Mapping files -----------------------------------------------------------------------------


def load_mapping(data: bytes | str, filename: str = "") -> dict[str, dict[str, Any]]:
    """A mapping file: column header → question number (``56``, ``"q56"``), a question part
    (``"q19.ukraine"``, ``"q3.fr"``, ``"q38.monitor"``, ``"q3.other"``), a table
    ``{question = 3, option = "fr"}`` or a metadata key (``id``, ``started_at``,
    ``submitted_at``, ``email``, ``name``, ``language``). TOML or YAML; the entries may sit
    under a ``columns`` table."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        if filename.lower().endswith(".toml"):
            loaded = tomllib.loads(text)
        else:
            import yaml

            try:
                loaded = yaml.safe_load(text)
            except yaml.YAMLError:
                loaded = None
            if not isinstance(loaded, dict):
                loaded = tomllib.loads(text)
    except Exception as exc:
        raise MappingFileError(
            _("The mapping file is neither valid TOML nor valid YAML: %(error)s")
            % {"error": str(exc)[:200]}
        ) from exc
    if isinstance(loaded, dict) and isinstance(loaded.get("columns"), dict):
        loaded = loaded["columns"]
    if not isinstance(loaded, dict) or not loaded:
        raise MappingFileError(_("The mapping file maps no columns."))
    mapping = {}
    for header, target in loaded.items():
        mapping[normalise_name(str(header))] = _mapping_target(str(header), target)
    return mapping


def _mapping_target(header: str, target: Any) -> dict[str, Any]:
    error = MappingFileError(
        _("The mapping for column “%(header)s” is not understood: %(target)s")
        % {"header": header, "target": target}
    )
    if isinstance(target, bool):
        raise error
    if isinstance(target, int):
        return {"number": target, "part": ""}
    if isinstance(target, dict):
        number = target.get("question")
        if not isinstance(number, int) or isinstance(number, bool):
            raise error
        for key, prefix in (("option", "option:"), ("row", "row:"), ("column", "")):
            if target.get(key):
                return {"number": number, "part": f"{prefix}{target[key]}", "raw": True}
        if target.get("other"):
            return {"number": number, "part": "other"}
        return {"number": number, "part": ""}
    if isinstance(target, str):
        value = target.strip()
        if value in META_ALIASES:
            return {"meta": value}
        match = re.fullmatch(r"[Qq]?(\d{1,3})(?:\.(.+))?", value)
        if match:
            return {"number": int(match.group(1)), "part": match.group(2) or "", "loose": True}
    raise error


# --- Headers -----------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """``normalise_name`` with a cache: export cells repeat the same labels thousands of
    times."""
    return normalise_name(text)


def _index(question: dict, what: str) -> dict[str, str]:
    """Normalised code and labels (all languages) → code, built once per import."""
    cache_key = f"_index_{what}"
    index = question.get(cache_key)
    if index is None:
        index = {}
        for item in question.get(what, []):
            for label in [item["code"], *item.get("label", {}).values()]:
                index.setdefault(_key(label), item["code"])
        question[cache_key] = index
    return index


def _option_by_label(question: dict, text: str) -> str | None:
    key = _key(text)
    return _index(question, "options").get(key) if key else None


def _row_by_label(question: dict, text: str) -> str | None:
    key = _key(text)
    return _index(question, "rows").get(key) if key else None


def _part_from_bracket(question: dict, inside: str) -> str | None:
    """The part of a question a ``[...]`` header suffix names."""
    text = inside.strip()
    key = normalise_name(text)
    if question.get("kind") == "likert":
        code = _row_by_label(question, text)
        if code:
            return f"row:{code}"
        sub = SUBQUESTION.match(text)
        if sub and 1 <= int(sub.group(1)) <= len(question.get("rows", [])):
            return f"row:{question['rows'][int(sub.group(1)) - 1]['code']}"
        if key in OTHER_WORDS:
            return "other"
        return None
    if question.get("two_column"):
        if any(word in key for word in COLUMN_WORDS["ukraine"]):
            return "ukraine"
        if any(word in key.split() for word in COLUMN_WORDS["all"]):
            return "all"
        sub = SUBQUESTION.match(text)
        if sub and int(sub.group(1)) in (1, 2):
            return ("all", "ukraine")[int(sub.group(1)) - 1]
        return None
    if key in OTHER_WORDS:
        return "other"
    code = _option_by_label(question, text)
    if code:
        return f"option:{code}"
    sub = SUBQUESTION.match(text)
    options = question.get("options", [])
    if sub and 1 <= int(sub.group(1)) <= len(options):
        return f"option:{options[int(sub.group(1)) - 1]['code']}"
    return None


def _resolve_loose_part(question: dict, part: str) -> str:
    """A mapping file's ``q3.fr`` / ``q19.ukraine`` / ``q38.monitor`` shorthand."""
    if not part:
        return ""
    if part in ("all", "ukraine") and question.get("two_column"):
        return part
    if part == "other":
        return "other"
    if question.get("kind") == "likert":
        code = _row_by_label(question, part)
        if code:
            return f"row:{code}"
    code = _option_by_label(question, part)
    if code:
        return f"option:{code}"
    raise MappingFileError(
        _("The mapping names an unknown part “%(part)s” of question %(number)s.")
        % {"part": part, "number": question["number"]}
    )


def map_columns(
    header: Sequence[str], catalogue: dict[int, dict], mapping: dict[str, dict] | None = None
) -> tuple[list[Column], list[str]]:
    """Recognise every column; returns the recognised columns and the ignored headers."""
    columns: list[Column] = []
    ignored: list[str] = []
    seen: dict[tuple, str] = {}
    two_column_seen: dict[int, int] = {}
    for index, raw in enumerate(header):
        text = str(raw).strip()
        key = normalise_name(text)
        column = None
        if mapping and key in mapping:
            target = mapping[key]
            if "meta" in target:
                column = Column(index, text, meta=target["meta"])
            else:
                number = target["number"]
                if number not in catalogue:
                    raise MappingFileError(
                        _(
                            "The mapping names question %(number)s, which the questionnaire does "
                            "not have."
                        )
                        % {"number": number}
                    )
                part = target["part"]
                if target.get("loose"):
                    part = _resolve_loose_part(catalogue[number], part)
                column = Column(index, text, number=number, part=part)
        elif key in META_BY_ALIAS:
            column = Column(index, text, meta=META_BY_ALIAS[key])
        else:
            match = HEADER_NUMBER.match(text)
            if match and int(match.group(1)) in catalogue:
                number = int(match.group(1))
                question = catalogue[number]
                rest = text[match.end() :]
                bracket = BRACKET.search(rest)
                part = ""
                if bracket:
                    part = _part_from_bracket(question, bracket.group(1))
                    if part is None:
                        raise ExportFileError(
                            _(
                                "Column “%(header)s”: “%(part)s” is not an option, row or column "
                                "of question %(number)s."
                            )
                            % {"header": text, "part": bracket.group(1), "number": number}
                        )
                elif question.get("two_column"):
                    # Without a suffix the first column is "all", the second "ukraine".
                    occurrence = two_column_seen.get(number, 0)
                    two_column_seen[number] = occurrence + 1
                    part = ("all", "ukraine", "extra")[min(occurrence, 2)]
                    if part == "extra":
                        raise ExportFileError(
                            _("Question %(number)s has more than two columns.") % {"number": number}
                        )
                column = Column(index, text, number=number, part=part)
        if column is None:
            if text:
                ignored.append(text)
            continue
        identity = (column.meta,) if column.meta else (column.number, column.part)
        if identity in seen:
            raise ExportFileError(
                _("Columns “%(first)s” and “%(second)s” hold the same data (duplicate header).")
                % {"first": seen[identity], "second": text}
            )
        seen[identity] = text
        columns.append(column)
    if not any(c.number for c in columns):
        raise ExportFileError(
            _(
                "No question columns found: headers must start with the question number "
                "(e.g. “56. …”, “Q56”), or pass a mapping file."
            )
        )
    return columns, ignored


def detect_language(columns: list[Column], catalogue: dict[int, dict]) -> str | None:
    """The form language the question headers are written in (most matches wins)."""
    scores = dict.fromkeys(LANGUAGES, 0)
    for column in columns:
        if not column.number:
            continue
        match = HEADER_NUMBER.match(column.header)
        rest = BRACKET.sub("", column.header[match.end() :] if match else column.header)
        rest_key = normalise_name(rest)
        if len(rest_key) < 4:
            continue
        for language in LANGUAGES:
            text = normalise_name(catalogue[column.number]["text"].get(language, ""))
            if text and (text.startswith(rest_key[:40]) or rest_key.startswith(text[:40])):
                scores[language] += 1
    best = max(scores, key=scores.get)
    return best if scores[best] else None


# --- Values ------------------------------------------------------------------------------------


def _split_multiple(question: dict, text: str) -> tuple[list[str], list[str]]:
    """Option codes and unmatched pieces of a one-cell multiple answer (``;`` or ``,``)."""
    whole = _option_by_label(question, text)
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
            code = _option_by_label(question, candidate)
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
        code = _option_by_label(question, text)
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
    option_code = _option_by_label(question, text)
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
        code = _option_by_label(question, text)
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
