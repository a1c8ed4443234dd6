"""No date or time pattern is written in a template or in the code: dates are shown through
the language's format module (``coordination.dates`` and the filters of
``coordination_tags``). Machine formats (file names, ISO in CSV, ICS and JSON) are allowed
by name below."""

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)

# A ``date``/``time`` filter or ``{% now %}`` with a pattern rather than a named format.
TEMPLATE_PATTERN = re.compile(r'(?:\|(?:date|time)\s*:\s*|\{%\s*now\s+)["\']([^"\']*)["\']')
NAMED_FORMAT = re.compile(r"^[A-Z][A-Z_]*_FORMAT$")
# The time zone's abbreviation ("CEST") beside the zone's name is not a date pattern.
TEMPLATE_ALLOWED = {"T"}

# Where a template writes a machine value, with why: the occurrence a form field and a link
# carry is read back by the server (ISO, local time).
# The date of a series in the address of its page and in the RSVP form (``Ymd\THi``).
TEMPLATE_MACHINE = {
    ("templates/meetings/_scheduling_panel.html", r"Y-m-d\TH:i"),
    ("templates/meetings/_scheduling_panel.html", r"Ymd\THi"),
    ("templates/meetings/rsvp.html", r"Ymd\THi"),
}

# A line that formats a date (strftime, Django's date_format/time_format/dateformat.format)
# with a literal pattern: strftime directives, or only Django's format characters.
FORMATTING_CALL = re.compile(r"(?:strftime|date_format|time_format|dateformat\.format)\(")
LITERAL = re.compile(r"""["']([^"']*)["']""")
STRFTIME_PATTERN = re.compile(r"%[a-zA-Z]")
# An f-string's format specification of a date: f"{start:%Y-%m-%d}".
FSTRING_PATTERN = re.compile(r"\{[^{}:]+:(%[a-zA-Z][^{}]*)\}")
DJANGO_PATTERN = re.compile(r"^(?:[djlNwzDFmMnyYHhGgisaAPT](?:[ .:/,-]|\\.)*){2,}$")
# Where a pattern is a machine format, with why.
PYTHON_MACHINE = {
    # The date at the head of an export's file name sorts the files: ISO on purpose.
    ("meetings/formats/documents.py", "%Y-%m-%d"),
    # An iCalendar recurrence rule's UNTIL (RFC 5545).
    ("meetings/recurrence.py", "%Y%m%d"),
    # A series date's original start in the path of its opening (read back by strptime).
    ("meetings/views/scheduling.py", "%Y%m%dT%H%M"),
    # The operator's console output of a management command.
    ("meetings/management/commands/schedule_action_reminders.py", "%Y-%m-%d %H:%M"),
}


def template_patterns(text: str) -> list[str]:
    return [
        p
        for p in TEMPLATE_PATTERN.findall(text)
        if not NAMED_FORMAT.match(p) and p not in TEMPLATE_ALLOWED
    ]


def python_patterns(text: str) -> list[str]:
    calls = [
        literal
        for line in text.splitlines()
        if FORMATTING_CALL.search(line)
        for literal in LITERAL.findall(line)
        if STRFTIME_PATTERN.search(literal) or DJANGO_PATTERN.match(literal)
    ]
    return calls + FSTRING_PATTERN.findall(text)


def _templates():
    return sorted(p for p in (BASE / "templates").rglob("*") if p.suffix in {".html", ".txt"})


def _python_sources():
    for package in ("coordination", "meetings"):
        for path in sorted((BASE / package).rglob("*.py")):
            relative = path.relative_to(BASE).as_posix()
            if "/migrations/" in relative or relative.startswith("coordination/formats/"):
                continue
            yield path


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{{ meeting.starts_at|date:"l j F Y" }}', ["l j F Y"]),
        ("{{ value|time:'H:i' }}", ["H:i"]),
        ('{% now "Y-m-d" as today %}', ["Y-m-d"]),
        ('{{ value|date:"DATE_FORMAT" }} {{ value|date:"T" }}', []),
        ("{{ value|long_date }}", []),
    ],
)
def test_the_template_scan_finds_patterns_and_lets_named_formats_pass(text, found):
    assert template_patterns(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('start.strftime("%A %d %B")', ["%A %d %B"]),
        ('formats.date_format(value, "j F Y")', ["j F Y"]),
        ('formats.time_format(timezone.localtime(value, tz), "H:i")', ["H:i"]),
        ('date_format(value, "DATE_FORMAT")', []),
        ('f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"', ["%Y-%m-%d %H:%M", "%H:%M"]),
        ('f"{count:,} rows, {share:.1%}"', []),
    ],
)
def test_the_python_scan_finds_literal_patterns(text, found):
    assert python_patterns(text) == found


def test_templates_use_named_formats_only():
    found = {}
    for path in _templates():
        relative = path.relative_to(BASE).as_posix()
        patterns = [
            p
            for p in template_patterns(path.read_text(encoding="utf-8"))
            if (relative, p) not in TEMPLATE_MACHINE
        ]
        if patterns:
            found[relative] = patterns
    assert found == {}


def test_python_sources_use_named_formats_only():
    found = {}
    for path in _python_sources():
        relative = path.relative_to(BASE).as_posix()
        patterns = [
            p
            for p in python_patterns(path.read_text(encoding="utf-8"))
            if (relative, p) not in PYTHON_MACHINE
        ]
        if patterns:
            found[relative] = patterns
    assert found == {}
