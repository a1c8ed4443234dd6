"""The ``meetings`` app's part of erasing a contact (GDPR art. 17): registered with
``coordination.services.contact_eraser_register`` and called inside the erasure's transaction,
before the contact's own fields are cleared.

Invitations lose their comment and needs and their RSVP links; open ones are withdrawn (a seat
goes to the waitlist); e-mails not yet sent are cancelled and sent ones keep only their
headers and delivery status; every text that named the person (minutes, decisions, comments,
agenda items, action items, e-mails to others, report versions) names the pseudonym instead;
stored minutes exports covering their meetings are deleted, report files and the copies sent
back that name them are rendered again, agenda attachments whose content names them are
removed (an uploaded document cannot be rendered again) and those whose file name does are
renamed, and cached agendas dropped."""

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from coordination.models import Contact
from coordination.privacy import Scrubber, file_text
from meetings import enums
from meetings.formats import report as render
from meetings.models import (
    ActionItem,
    ActionItemEvent,
    AgendaAttachment,
    AgendaItem,
    AgendaVersion,
    Attendance,
    Decision,
    DelegationRequest,
    Invitation,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesExport,
    MinutesNote,
    OutboundMessage,
    PanelDraw,
    ReportBackDelivery,
    ReportSection,
    ReportVersion,
    RoundDraw,
    TimeProposal,
)
from meetings.models.invitations import new_token_nonce
from meetings.selectors.agendas import agenda_pdf_cache_drop
from meetings.services.invitations import invitation_remove

# How the erasure treats each relation of this app to a contact or a log-in (see
# ``coordination.services.PERSONAL_DATA_REFERENCES``).
MEETINGS_PERSONAL_DATA_REFERENCES = {
    "meetings.AgendaVersion.published_by": "kept (a facilitator); the item snapshots scrubbed",
    "meetings.DelegationRequest.decided_by": "kept (a facilitator); name and address scrubbed",
    "meetings.ReportBack.sent_by": "kept (a facilitator)",
    "meetings.ReportBackDelivery.contact": "kept (points to the pseudonymised contact); copies "
    "that name the person rendered again",
    "meetings.RoundDraw.created_by": "kept (a facilitator); the explanation scrubbed",
    "meetings.TimePoll.created_by": "kept (a facilitator)",
    "meetings.TimeProposal.decided_by": "kept (a facilitator); comments scrubbed",
    "meetings.Invitation.contact": "kept; comment, needs, RSVP links erased; open ones withdrawn",
    "meetings.Attendance.contact": "kept (points to the pseudonymised contact)",
    "meetings.AgendaItem.presenter": "kept (the pseudonym is shown)",
    "meetings.ActionItem.owner_contact": "kept (the pseudonym is shown); texts scrubbed",
    "meetings.Meeting.facilitator": "kept (a team member or facilitator)",
    "meetings.PanelDraw.created_by": "kept (a facilitator)",
    "meetings.AgendaAttachment.uploaded_by": "kept (points to the anonymised log-in)",
    "meetings.Minutes.approved_by": "kept (points to the anonymised log-in)",
    "meetings.Minutes.created_by": "kept (points to the anonymised log-in)",
    "meetings.MinutesComment.author": "kept, attributed to the anonymised log-in; texts scrubbed",
    "meetings.MinutesExport.requested_by": "kept; exports naming the person deleted",
    "meetings.ActionItemEvent.author": "kept (points to the anonymised log-in); texts scrubbed",
    "meetings.ReportSection.updated_by": "kept (a team member)",
    "meetings.ReportVersion.created_by": "kept (a team member)",
    "meetings.ReportJob.requested_by": "kept (a team member)",
}

OPEN_STATUSES = (
    enums.InvitationStatus.DRAFTED,
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.WAITLISTED,
)
NOT_SENT = (enums.OutboxStatus.PENDING, enums.OutboxStatus.SENDING, enums.OutboxStatus.FAILED)


def _mentions(scrubber: Scrubber, *fields: str) -> Q:
    condition = Q(pk__in=[])
    for term in scrubber.search_terms():
        for name in fields:
            condition |= Q(**{f"{name}__icontains": term})
    return condition


def _scrub_texts(model, scrubber: Scrubber, fields: tuple[str, ...], *, json=()) -> set[int]:
    """Replace the person by the pseudonym in ``fields`` of every row that names them;
    returns the ids of the rows changed."""
    changed = set()
    # JSON is stored with escaped accents: such rows (few: draws, report versions) are all read.
    rows = model.objects.all() if json else model.objects.filter(_mentions(scrubber, *fields))
    for row in rows.iterator():
        updates = [f for f in fields if scrubber.finds(getattr(row, f))]
        updates += [f for f in json if scrubber.finds(getattr(row, f))]
        if not updates:
            continue
        values = {f: scrubber.text(getattr(row, f)) for f in fields if f in updates}
        values |= {f: scrubber.json(getattr(row, f)) for f in json if f in updates}
        model.objects.filter(pk=row.pk).update(**values)
        changed.add(row.pk)
    return changed


def erased_address(contact: Contact) -> str:
    return f"erased-contact-{contact.pk}@erased.invalid"


def _outbox_erase(contact: Contact, scrubber: Scrubber) -> dict[str, int]:
    to_person = Q(invitation__contact=contact)
    if contact.email:
        to_person |= Q(to_email__iexact=contact.email)
    rows = OutboundMessage.objects.filter(to_person)
    kept = {
        "to_email": erased_address(contact),
        "body_text": "",
        "body_html": "",
        "ical": "",
    }
    cancelled = rows.filter(status__in=NOT_SENT).update(
        status=enums.OutboxStatus.CANCELLED,
        claimed_until=None,
        subject=_("[erased]"),
        last_error="",
        **kept,
    )
    scrubbed = 0
    for row in rows.exclude(status=enums.OutboxStatus.CANCELLED).only("pk", "subject"):
        OutboundMessage.objects.filter(pk=row.pk).update(subject=scrubber.text(row.subject), **kept)
        scrubbed += 1
    others = _scrub_texts(
        OutboundMessage, scrubber, ("subject", "body_text", "body_html", "ical", "last_error")
    )
    return {
        "emails_cancelled": cancelled,
        "emails_scrubbed": scrubbed,
        "emails_to_others_scrubbed": len(others),
    }


def _invitations_erase(contact: Contact, now) -> tuple[dict[str, int], set[int]]:
    withdrawn = 0
    for invitation in Invitation.objects.filter(
        contact=contact, status__in=OPEN_STATUSES, meeting__ends_at__gt=now
    ):
        invitation_remove(invitation=invitation)
        withdrawn += 1
    invitations = Invitation.objects.filter(contact=contact)
    meeting_ids = set(invitations.values_list("meeting_id", flat=True))
    for invitation in invitations:
        invitation.comment = ""
        invitation.accessibility_needs = ""
        invitation.needs_interpretation = False
        invitation.participation_language = ""
        invitation.needs_consented_at = None
        invitation.token_nonce = new_token_nonce()  # the old RSVP links stop working
        invitation.save(
            update_fields=[
                "comment",
                "accessibility_needs",
                "needs_interpretation",
                "participation_language",
                "needs_consented_at",
                "token_nonce",
                "updated_at",
            ]
        )
    return {
        "invitations_withdrawn": withdrawn,
        "invitations_erased": len(meeting_ids),
    }, meeting_ids


def _report_versions_render_again(version_ids: set[int]) -> int:
    """Render the files of report versions whose data named the person from their scrubbed
    data, under the same names."""
    count = 0
    for version in ReportVersion.objects.filter(pk__in=version_ids):
        with translation.override(version.language):
            pdf = render.render_pdf(
                snapshot=version.snapshot,
                sections=version.sections,
                version=version.number,
                is_final=version.is_final,
            )
            docx = render.render_docx(
                snapshot=version.snapshot,
                sections=version.sections,
                version=version.number,
                is_final=version.is_final,
            )
        for field, content in (("pdf", pdf), ("docx", docx)):
            file = getattr(version, field)
            if not file or not file.name:
                continue
            name = file.name.rsplit("/", 1)[-1]
            file.storage.delete(file.name)
            file.save(name, ContentFile(content), save=False)
        version.save(update_fields=["pdf", "docx"])
        count += 1
    return count


def _minutes_exports_delete(meeting_ids: set[int]) -> int:
    deleted = 0
    for export in MinutesExport.objects.filter(status=enums.ExportStatus.READY):
        if not meeting_ids & set(export.meeting_ids or []):
            continue
        if export.file and export.file.name:
            export.file.storage.delete(export.file.name)
        export.file = ""
        export.status = enums.ExportStatus.FAILED
        export.error = _("Deleted because it named a person whose data were erased; export again.")
        export.save(update_fields=["file", "status", "error"])
        deleted += 1
    return deleted


def _stored_content(field) -> bytes:
    if not field or not field.name:
        return b""
    try:
        with field.storage.open(field.name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return b""


def _attachments_erase(scrubber: Scrubber) -> dict[str, int]:
    """Agenda attachments: one whose content names the person (an uploaded document cannot
    be rendered again) is removed with its file; one whose file name names them keeps its
    content under a name with the pseudonym."""
    removed = renamed = 0
    for attachment in AgendaAttachment.objects.all().iterator():
        if scrubber.finds(file_text(_stored_content(attachment.file))):
            attachment.file.storage.delete(attachment.file.name)
            attachment.delete()
            removed += 1
        elif scrubber.finds(attachment.original_name):
            AgendaAttachment.objects.filter(pk=attachment.pk).update(
                original_name=scrubber.text(attachment.original_name)[:255]
            )
            renamed += 1
    return {"agenda_attachments_removed": removed, "agenda_attachments_renamed": renamed}


def _report_copies_render_again(scrubber: Scrubber) -> int:
    """The copies of the report sent back without an organisation's name: those that name
    the person are rendered again from the scrubbed final version."""
    from meetings.services.report_back import report_pdf_without

    count = 0
    copies = ReportBackDelivery.objects.exclude(pdf="").select_related(
        "version", "contact__organisation"
    )
    for delivery in copies.iterator():
        if not scrubber.finds(file_text(_stored_content(delivery.pdf))):
            continue
        version = ReportVersion.objects.get(pk=delivery.version_id)
        content = report_pdf_without(
            version=version, organisation_name=delivery.contact.organisation.name
        )
        name = delivery.pdf.name.rsplit("/", 1)[-1]
        delivery.pdf.storage.delete(delivery.pdf.name)
        delivery.pdf.save(name, ContentFile(content), save=False)
        ReportBackDelivery.objects.filter(pk=delivery.pk).update(pdf=delivery.pdf.name)
        count += 1
    return count


def contact_meetings_erase(*, contact: Contact, scrubber: Scrubber, now) -> dict[str, int]:
    """Erase what the ``meetings`` app holds about ``contact`` (see the module's text)."""
    summary, meeting_ids = _invitations_erase(contact, now)
    summary |= _outbox_erase(contact, scrubber)

    meeting_ids |= set(Attendance.objects.filter(contact=contact).values_list("meeting", flat=True))
    meeting_ids |= set(
        AgendaItem.objects.filter(presenter=contact).values_list("meeting", flat=True)
    )
    meeting_ids |= set(
        ActionItem.objects.filter(owner_contact=contact)
        .exclude(origin_meeting=None)
        .values_list("origin_meeting", flat=True)
    )
    notes = _scrub_texts(MinutesNote, scrubber, ("text",))
    decisions = _scrub_texts(Decision, scrubber, ("text",))
    comments = _scrub_texts(MinutesComment, scrubber, ("text",))
    corrections = _scrub_texts(Minutes, scrubber, ("correction_reason",))
    minutes_ids = (
        set(MinutesNote.objects.filter(pk__in=notes).values_list("minutes", flat=True))
        | set(Decision.objects.filter(pk__in=decisions).values_list("minutes", flat=True))
        | set(MinutesComment.objects.filter(pk__in=comments).values_list("minutes", flat=True))
        | corrections
    )
    meeting_ids |= set(Minutes.objects.filter(pk__in=minutes_ids).values_list("meeting", flat=True))
    items = _scrub_texts(
        AgendaItem, scrubber, ("title", "title_alt", "description", "description_alt")
    )
    meeting_ids |= set(AgendaItem.objects.filter(pk__in=items).values_list("meeting", flat=True))
    meeting_ids |= _scrub_texts(Meeting, scrubber, ("title", "location"))
    actions = _scrub_texts(ActionItem, scrubber, ("description",))
    events = _scrub_texts(ActionItemEvent, scrubber, ("text",))
    draws = _scrub_texts(PanelDraw, scrubber, (), json=("panel", "waitlist", "explanation"))
    sections = _scrub_texts(ReportSection, scrubber, ("title", "text"))
    versions = _scrub_texts(ReportVersion, scrubber, (), json=("snapshot", "sections"))
    agenda_versions = _scrub_texts(AgendaVersion, scrubber, (), json=("items",))
    proposals = _scrub_texts(TimeProposal, scrubber, ("comment",))
    delegations = _scrub_texts(DelegationRequest, scrubber, ("name", "email"))
    draws |= _scrub_texts(RoundDraw, scrubber, (), json=("explanation",))

    summary |= {
        "agenda_versions_scrubbed": len(agenda_versions),
        "time_proposals_scrubbed": len(proposals),
        "delegation_requests_scrubbed": len(delegations),
        "minutes_texts_scrubbed": len(notes) + len(decisions) + len(corrections),
        "minutes_comments_scrubbed": len(comments),
        "agenda_items_scrubbed": len(items),
        "action_items_scrubbed": len(actions) + len(events),
        "panel_draws_scrubbed": len(draws),
        "report_sections_scrubbed": len(sections),
        "report_versions_rendered_again": _report_versions_render_again(versions),
        "minutes_exports_deleted": _minutes_exports_delete(meeting_ids),
        "report_copies_rendered_again": _report_copies_render_again(scrubber),
        **_attachments_erase(scrubber),
    }
    agenda_pdf_cache_drop()
    return summary
