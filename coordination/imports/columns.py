"""What each column of a survey export holds: questions identified by the number their
header starts with (``56.``, ``56)``, ``Q56``, ``Q56 -``, ``56 -``) or by a mapping file (TOML
or YAML), one column per option (``3. … [French]``, ``Q3[SQ002]``) or per Likert row, the two
columns of two-column questions, and the usual metadata columns (ID, times, e-mail, name) as
MS Forms, Google Forms, LimeSurvey and EUSurvey name them in English, French or Dutch.
Labels are matched without regard to case, accents, punctuation or surrounding blanks."""

import re
import reprlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from coordination.imports.readers import ExportFileError
from coordination.models import normalise_name

# The languages of the forms whose labels are recognised.
LANGUAGES = ("en", "fr", "nl")

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


COLUMN_WORDS = {
    "ukraine": ("ukrain", "oekrain"),
    "all": ("all", "tous", "toutes", "ensemble", "alle"),
}


OTHER_WORDS = {"other", "autre", "autres", "andere", "comment", "other text", "precisez"}


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


KEEP_APART = "new"


def _read_mapping_file(data: bytes | str, filename: str) -> Any:
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        if filename.lower().endswith(".toml"):
            return tomllib.loads(text)
        import yaml

        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError:
            loaded = None
        if not isinstance(loaded, dict):
            loaded = tomllib.loads(text)
        return loaded
    except Exception as exc:
        raise MappingFileError(
            _("The mapping file is neither valid TOML nor valid YAML: %(error)s")
            % {"error": str(exc)[:200]}
        ) from exc


def load_mapping(data: bytes | str, filename: str = "") -> dict[str, dict[str, Any]] | None:
    """A mapping file: column header → question number (``56``, ``"q56"``), a question part
    (``"q19.ukraine"``, ``"q3.fr"``, ``"q38.monitor"``, ``"q3.other"``), a table
    ``{question = 3, option = "fr"}`` or a metadata key (``id``, ``started_at``,
    ``submitted_at``, ``email``, ``name``, ``language``). TOML or YAML; the entries may sit
    under a ``columns`` table, beside an ``organisations`` table (see
    ``load_organisation_choices``). None when the file holds only organisation choices."""
    loaded = _read_mapping_file(data, filename)
    if isinstance(loaded, dict) and ("columns" in loaded or "organisations" in loaded):
        if "columns" not in loaded:
            return None
        loaded = loaded["columns"]
    if not isinstance(loaded, dict) or not loaded:
        raise MappingFileError(_("The mapping file maps no columns."))
    mapping = {}
    for header, target in loaded.items():
        mapping[normalise_name(str(header))] = _mapping_target(str(header), target)
    return mapping


def load_organisation_choices(data: bytes | str, filename: str = "") -> dict[str, str]:
    """The team's answers to earlier imports' hints, in the mapping file's ``organisations``
    table: name in the export → the existing organisation it is merged into, or ``"new"`` to
    keep it apart. Keyed by the normalised name."""
    loaded = _read_mapping_file(data, filename)
    table = loaded.get("organisations", {}) if isinstance(loaded, dict) else {}
    if not isinstance(table, dict):
        raise MappingFileError(_("The “organisations” table of the mapping file is not a table."))
    choices = {}
    for name, target in table.items():
        if not isinstance(target, str) or not target.strip():
            raise MappingFileError(
                _("The choice for organisation “%(name)s” must be a name or “new”.")
                % {"name": name}
            )
        choices[normalise_name(str(name))] = target.strip()
    return choices


def mapping_with_organisation_choices(
    data: bytes | str | None, filename: str, choices: dict[str, str]
) -> str:
    """The mapping file (YAML) that repeats ``data``'s column mapping and adds ``choices``
    (name in the export → merge target or ``"new"``), for the next import of the survey."""
    import yaml

    document: dict[str, Any] = {}
    if data:
        loaded = _read_mapping_file(data, filename)
        if isinstance(loaded, dict) and ("columns" in loaded or "organisations" in loaded):
            document = {k: v for k, v in loaded.items() if k in ("columns", "organisations")}
        elif isinstance(loaded, dict):
            document = {"columns": loaded}
    organisations = dict(document.get("organisations") or {})
    organisations.update(choices)
    document["organisations"] = organisations
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


# A mapping target as shown in an error: a YAML alias bomb ("billion laughs") is shown in a
# few characters, never expanded into billions.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring = 2, 4, 4, 80


def _mapping_target(header: str, target: Any) -> dict[str, Any]:
    error = MappingFileError(
        _("The mapping for column “%(header)s” is not understood: %(target)s")
        % {
            "header": header,
            "target": target[:80] if isinstance(target, str) else _SHORT.repr(target),
        }
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
            if target.get(key) and not isinstance(target[key], str | int):
                raise error
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


def option_by_label(question: dict, text: str) -> str | None:
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
    code = option_by_label(question, text)
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
    code = option_by_label(question, part)
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
