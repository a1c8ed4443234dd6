"""Pure builders of the agenda and minutes documents (PDF, DOCX, Markdown, ZIP) and the
action-item spreadsheets. They read domain objects and return bytes or text; views and tasks
wrap them in responses or files.

Decision: a single agenda or minutes PDF renders in well under a second, so it is built in
the request; an export of several meetings' minutes is built by a django-q2 task
(``meetings.tasks.minutes_export_build``) into a ``MinutesExport`` file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coordination import dates
from coordination.spreadsheets import write_csv, write_xlsx
from meetings import enums
from meetings.formats.pdf import css_string, html_to_pdf, page_counter_css
from meetings.formats.word import docx_markdown
from meetings.models import Meeting, Minutes


@dataclass
class MinutesRow:
    item: object
    start: dt.datetime | None
    note: str = ""
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    comments: list = field(default_factory=list)


@dataclass
class MinutesDocument:
    """Everything the minutes page and every export show (read by
    ``meetings.selectors.minutes.minutes_document``)."""

    meeting: Meeting
    minutes: Minutes
    attendance: list
    rows: list[MinutesRow]
    general_decisions: list
    general_comments: list
    actions: list
    versions: list = field(default_factory=list)


LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English", "de": "Deutsch"}


def _local(meeting: Meeting, value):
    return timezone.localtime(value, ZoneInfo(meeting.timezone)) if value else None


def _pdf_context(*, title: str, header_right: str, footer_left: str, language: str) -> dict:
    return {
        "document_title": title,
        "language": language,
        "header_left_css": css_string(_("Coordinator") + " · " + title),
        "header_right_css": css_string(header_right),
        "footer_left_css": css_string(footer_left),
        "page_counter_css": page_counter_css(),
    }


def meeting_date_label(meeting: Meeting) -> str:
    return dates.short_datetime(meeting.starts_at, tz=meeting.timezone)


def export_filename(meeting: Meeting, kind: str, extension: str, version: int | None = None) -> str:
    date = _local(meeting, meeting.starts_at).strftime("%Y-%m-%d")
    suffix = f"-v{version}" if version else ""
    slug = slugify(meeting.title)[:60] or "meeting"
    return f"{date}-{slug}-{kind}{suffix}.{extension}"


def agenda_pdf(*, meeting: Meeting, plan, bilingual: bool = False) -> bytes:
    """The agenda (its time plan, ``meetings.selectors.agendas.agenda_time_plan``) as an A4
    PDF; ``bilingual`` sets the item texts side by side in the meeting's language and the
    second language (French | Dutch)."""
    first = meeting.language if meeting.language in ("fr", "nl") else "fr"
    second = "nl" if first == "fr" else "fr"
    version = (
        _("Agenda version %(version)s") % {"version": meeting.agenda_version}
        if meeting.agenda_published_at
        else _("Draft agenda")
    )
    context = {
        "meeting": meeting,
        "plan": plan,
        "bilingual": bilingual,
        "first_language_name": LANGUAGE_NAMES[first],
        "second_language_name": LANGUAGE_NAMES[second],
        **_pdf_context(
            title=meeting.title,
            header_right=meeting_date_label(meeting),
            footer_left=version,
            language=meeting.language,
        ),
    }
    return html_to_pdf(render_to_string("pdf/agenda.html", context))


def _minutes_status_label(minutes: Minutes) -> str:
    return _("Minutes version %(version)s – %(status)s") % {
        "version": minutes.version,
        "status": minutes.get_status_display(),
    }


def minutes_pdf(*, documents: list[MinutesDocument], title: str | None = None) -> bytes:
    """One PDF of the minutes of one or several meetings (each starts on a new page)."""
    first = documents[0]
    context = {
        "documents": documents,
        **_pdf_context(
            title=title or first.meeting.title,
            header_right=meeting_date_label(first.meeting) if len(documents) == 1 else "",
            footer_left=_minutes_status_label(first.minutes) if len(documents) == 1 else "",
            language=first.meeting.language,
        ),
    }
    return html_to_pdf(render_to_string("pdf/minutes.html", context))


def _owner_label(action) -> str:
    names = [action.owner_contact.name if action.owner_contact else ""]
    names.append(str(action.owner_organisation) if action.owner_organisation else "")
    return ", ".join(n for n in names if n)


def _attendance_label(status: str) -> str:
    return dict(enums.AttendanceStatus.choices).get(status, "–") if status else "–"


def _when(meeting: Meeting) -> str:
    """ "Thursday 6 May 2027, 10:00–12:00 (Europe/Brussels)", in the meeting's time zone."""
    tz = meeting.timezone
    day = dates.long_date(meeting.starts_at, tz=tz)
    return f"{day}, {dates.time_range(meeting.starts_at, meeting.ends_at, tz=tz)} ({tz})"


def minutes_markdown(*, doc: MinutesDocument) -> str:
    meeting, minutes = doc.meeting, doc.minutes
    lines = [
        f"# {_('Minutes')}: {meeting.title}",
        "",
        f"- **{_('Date')}:** {_when(meeting)}",
        f"- **{_('Place')}:** {meeting.location or meeting.get_format_display()}",
        f"- **{_('Group or round')}:** {meeting.working_group or meeting.consultation_round}",
        f"- **{_('Version')}:** {_minutes_status_label(minutes)}",
    ]
    if minutes.approved_at:
        approved = dates.medium_datetime(minutes.approved_at, tz=meeting.timezone)
        lines.append(f"- **{_('Approved on')}:** {approved}")
    if minutes.correction_reason:
        lines.append(f"- **{_('Correction')}:** {minutes.correction_reason}")
    lines += ["", f"## {_('Attendance')}", ""]
    lines += [f"| {_('Name')} | {_('Organisation')} | {_('Attendance')} |", "|---|---|---|"]
    for contact, status in doc.attendance:
        lines.append(f"| {contact.name} | {contact.organisation} | {_attendance_label(status)} |")
    lines += ["", f"## {_('Items')}", ""]
    for row in doc.rows:
        lines += [f"### {row.item.position}. {row.item.title}", ""]
        if row.note:
            lines += [row.note.strip(), ""]
        for decision in row.decisions:
            lines += [f"> **{_('Decision')}:** {decision.text}", ""]
    for decision in doc.general_decisions:
        lines += [f"> **{_('Decision')}:** {decision.text}", ""]
    lines += [f"## {_('Action items')}", ""]
    lines += [
        f"| # | {_('Action')} | {_('Owner')} | {_('Due')} | {_('Status')} |",
        "|---|---|---|---|---|",
    ]
    for action in doc.actions:
        description = " ".join(action.description.split()).replace("|", "\\|")
        due = dates.medium_date(action.due_date) or "–"
        lines.append(
            f"| {action.pk} | {description} | {_owner_label(action)} | {due} | "
            f"{action.get_status_display()} |"
        )
    return "\n".join(lines) + "\n"


def minutes_docx(*, doc: MinutesDocument) -> bytes:
    """The minutes as a Word document (headings, attendance table, items, decisions, action
    table), editable by the many public services that work in Word."""
    from docx import Document
    from docx.shared import Pt

    meeting, minutes = doc.meeting, doc.minutes
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{_('Coordinator')} · {meeting.title}"
    section.footer.paragraphs[0].text = _minutes_status_label(minutes)

    document.add_heading(f"{_('Minutes')}: {meeting.title}", level=0)
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    fact_rows = [
        (_("Date"), _when(meeting)),
        (_("Place"), meeting.location or meeting.get_format_display()),
        (_("Group or round"), str(meeting.working_group or meeting.consultation_round)),
        (_("Version"), _minutes_status_label(minutes)),
    ]
    if minutes.approved_at:
        fact_rows.append(
            (_("Approved on"), dates.medium_date(minutes.approved_at, tz=meeting.timezone))
        )
    if minutes.correction_reason:
        fact_rows.append((_("Correction"), minutes.correction_reason))
    for label, value in fact_rows:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value

    document.add_heading(_("Attendance"), level=1)
    attendance = document.add_table(rows=1, cols=3)
    attendance.style = "Table Grid"
    header = attendance.rows[0].cells
    header[0].text, header[1].text, header[2].text = _("Name"), _("Organisation"), _("Attendance")
    for contact, status in doc.attendance:
        cells = attendance.add_row().cells
        cells[0].text = contact.name
        cells[1].text = str(contact.organisation)
        cells[2].text = _attendance_label(status)

    document.add_heading(_("Items"), level=1)
    for row in doc.rows:
        document.add_heading(f"{row.item.position}. {row.item.title}", level=2)
        docx_markdown(document, row.note or "")
        for decision in row.decisions:
            p = document.add_paragraph()
            p.add_run(_("Decision") + ": ").bold = True
            p.add_run(decision.text)
    for decision in doc.general_decisions:
        p = document.add_paragraph()
        p.add_run(_("Decision") + ": ").bold = True
        p.add_run(decision.text)

    document.add_heading(_("Action items"), level=1)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    labels = ["#", _("Action"), _("Owner"), _("Due"), _("Status")]
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        cell.text = label
    for action in doc.actions:
        cells = table.add_row().cells
        cells[0].text = str(action.pk)
        cells[1].text = action.description
        cells[2].text = _owner_label(action)
        cells[3].text = dates.medium_date(action.due_date) or "–"
        cells[4].text = action.get_status_display()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_bundle(*, documents: list[MinutesDocument], export_format: str, title: str) -> bytes:
    """The minutes of several meetings: one PDF, or a ZIP with PDF, DOCX and Markdown of each."""
    if not documents:
        raise ValueError("no minutes to export")
    if export_format == enums.ExportFormat.PDF:
        return minutes_pdf(documents=documents, title=title)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for doc in documents:
            with translation.override(doc.meeting.language):
                name = f"{doc.meeting.pk}-" + export_filename(
                    doc.meeting, "minutes", "{}", doc.minutes.version
                )
                archive.writestr(name.format("pdf"), minutes_pdf(documents=[doc]))
                archive.writestr(name.format("docx"), minutes_docx(doc=doc))
                archive.writestr(name.format("md"), minutes_markdown(doc=doc))
    return buffer.getvalue()


def action_item_rows(actions) -> list[list]:
    header = [
        _("ID"),
        _("Action"),
        _("Owner"),
        _("Organisation"),
        _("Due"),
        _("Status"),
        _("Meeting"),
        _("Meeting date"),
        _("Agenda item"),
    ]
    rows = [header]
    for action in actions:
        meeting = action.origin_meeting
        rows.append(
            [
                action.pk,
                action.description,
                action.owner_contact.name if action.owner_contact else "",
                str(action.owner_organisation) if action.owner_organisation else "",
                action.due_date,
                action.get_status_display(),
                meeting.title,
                _local(meeting, meeting.starts_at).date(),
                action.origin_agenda_item.title if action.origin_agenda_item else "",
            ]
        )
    return rows


def action_items_csv(actions) -> bytes:
    return write_csv(action_item_rows(actions))


def action_items_xlsx(actions) -> bytes:
    return write_xlsx(action_item_rows(actions), title=_("Action items"))
