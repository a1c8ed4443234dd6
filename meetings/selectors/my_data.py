"""Everything the product holds about one person (GDPR art. 15 and 20)."""

import re

from django.conf import settings

from coordination.enums import ConsentPurpose, LawfulBasis
from coordination.selectors import contact_personal_data
from meetings.models import (
    Decision,
    MinutesComment,
    MinutesNote,
    OutboundMessage,
    ReportBackDelivery,
    TimeProposal,
)

# Every relation of a model to a contact and the key of the export that covers it: a test
# fails when a new relation is not covered.
PERSONAL_DATA_EXPORT_COVERS = {
    "coordination.Consent.contact": "consents",
    "coordination.SurveyResponse.contact": "survey_responses",
    "coordination.Membership.contact": "working_groups",
    "coordination.ErasureRecord.contact": "contact",
    "meetings.Invitation.contact": "invitations",
    "meetings.Attendance.contact": "attendance",
    "meetings.AgendaItem.presenter": "presented_items",
    "meetings.ActionItem.owner_contact": "action_items",
    "meetings.ReportBackDelivery.contact": "reports_received",
}


def _names_pattern(contact) -> re.Pattern | None:
    words = contact.name.split()
    if contact.erased_at is not None or len(contact.name.strip()) < 3:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.I)


def article_15_information() -> dict:
    """Purposes, lawful bases, recipients, retention, source and rights (GDPR art. 15.1)."""
    return {
        "controller": settings.PRIVACY_CONTROLLER,
        "data_protection_officer": settings.PRIVACY_DPO_CONTACT,
        "purposes": {code: str(label) for code, label in ConsentPurpose.choices},
        "lawful_bases": {
            "survey_q56": str(LawfulBasis(settings.SURVEY_Q56_LAWFUL_BASIS).label),
            "consents": str(LawfulBasis.CONSENT.label),
            "participation_needs": "GDPR art. 9.2.a (explicit consent)",
        },
        "recipients": [
            "coordination team",
            "facilitators of the meetings you are invited to",
            "chairs of your working groups",
            "the e-mail provider",
        ],
        "retention_days": {
            "email_text": settings.RETENTION_OUTBOX_BODY_DAYS,
            "exports": settings.RETENTION_EXPORT_DAYS,
            "audit_trail": settings.AUDIT_RETENTION_DAYS,
            "participation_needs": "until the meeting is over",
        },
        "source": "the needs-assessment survey of your organisation, the coordination team, "
        "or a colleague who passed their seat to you",
        "rights": [
            "access (art. 15)",
            "rectification (art. 16)",
            "erasure (art. 17)",
            "restriction (art. 18)",
            "portability (art. 20)",
            "objection (art. 21)",
            "withdrawal of consent (art. 7.3)",
            "complaint to the Belgian Data Protection Authority (art. 77)",
        ],
    }


def contact_personal_data_with_meetings(*, contact) -> dict:
    """Everything the product holds about one person: the coordination app's part plus
    invitations, the times they proposed from their calendar, attendance, presented items,
    action items, mentions in minutes, their comments, the e-mails sent to them, their log-in
    and the art. 15.1 information."""

    data = contact_personal_data(contact=contact)
    invitations = contact.invitations.select_related("meeting").order_by("meeting__starts_at")
    data["invitations"] = [
        {
            "meeting": i.meeting.title,
            "starts_at": i.meeting.starts_at.isoformat(),
            "status": i.status,
            "answered_at": i.answered_at.isoformat() if i.answered_at else None,
            "comment": i.comment,
            "participation_language": i.participation_language,
            "needs_interpretation": i.needs_interpretation,
            "accessibility_needs": i.accessibility_needs,
            "needs_consented_at": i.needs_consented_at.isoformat()
            if i.needs_consented_at
            else None,
            "delegated_by": i.delegated_from.contact.name if i.delegated_from_id else None,
        }
        for i in invitations.select_related("delegated_from__contact")
    ]
    attendances = contact.attendances.select_related("meeting").order_by("meeting__starts_at")
    data["attendance"] = [
        {
            "meeting": a.meeting.title,
            "starts_at": a.meeting.starts_at.isoformat(),
            "status": a.status,
        }
        for a in attendances
    ]
    proposals = (
        TimeProposal.objects.filter(invitation__contact=contact)
        .select_related("invitation__meeting")
        .order_by("proposed_at", "id")
    )
    data["time_proposals"] = [
        {
            "meeting": p.invitation.meeting.title,
            "starts_at": p.starts_at.isoformat(),
            "ends_at": p.ends_at.isoformat(),
            "comment": p.comment,
            "proposed_at": p.proposed_at.isoformat(),
            "status": p.status,
        }
        for p in proposals
    ]
    data["presented_items"] = [
        {"meeting": item.meeting.title, "item": item.title}
        for item in contact.presented_items.select_related("meeting").order_by("meeting__starts_at")
    ]
    data["reports_received"] = [
        {
            "round": delivery.report_back.report.consultation_round.title,
            "language": delivery.language,
            "names_organisation": delivery.names_organisation,
            "sent_at": delivery.report_back.sent_at and delivery.report_back.sent_at.isoformat(),
        }
        for delivery in ReportBackDelivery.objects.filter(contact=contact)
        .select_related("report_back__report__consultation_round")
        .order_by("created_at", "id")
    ]
    data["action_items"] = [
        {
            "description": a.description,
            "due_date": a.due_date and a.due_date.isoformat(),
            "status": a.status,
        }
        for a in contact.action_items.order_by("due_date", "id")
    ]
    pattern = _names_pattern(contact)
    mentions = []
    if pattern is not None:
        term = max(contact.name.split(), key=len)
        for model, kind in ((MinutesNote, "note"), (Decision, "decision")):
            for row in model.objects.filter(text__icontains=term).select_related(
                "minutes__meeting"
            ):
                if pattern.search(row.text):
                    mentions.append(
                        {
                            "meeting": row.minutes.meeting.title,
                            "minutes_version": row.minutes.version,
                            "kind": kind,
                            "text": row.text,
                        }
                    )
    data["minutes_mentions"] = mentions
    user = contact.user
    data["minutes_comments"] = (
        [
            {
                "meeting": c.minutes.meeting.title,
                "written_at": c.created_at.isoformat(),
                "text": c.text,
            }
            for c in MinutesComment.objects.filter(author=user).select_related("minutes__meeting")
        ]
        if user
        else []
    )
    data["emails"] = [
        {
            "kind": m.kind,
            "subject": m.subject,
            "status": m.status,
            "created_at": m.created_at.isoformat(),
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
        }
        for m in OutboundMessage.objects.filter(to_email__iexact=contact.email or "-").order_by(
            "created_at", "id"
        )
    ]
    data["account"] = (
        {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "preferred_language": user.preferred_language,
            "time_zone": user.time_zone,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
        if user
        else None
    )
    data["information"] = article_15_information()
    return data


def personal_data_files(*, data: dict) -> dict[str, str]:
    """The documents that name the person, as text files for the archive: their mentions in
    minutes, one file per meeting."""
    files: dict[str, list[str]] = {}
    for mention in data.get("minutes_mentions", []):
        key = f"minutes/{re.sub(r'[^A-Za-z0-9_-]+', '-', mention['meeting'])[:60]}.md"
        files.setdefault(key, [f"# {mention['meeting']}", ""]).append(
            f"- ({mention['kind']}, v{mention['minutes_version']}) {mention['text']}"
        )
    return {name: "\n".join(lines) + "\n" for name, lines in files.items()}


def personal_data_archive(*, contact) -> bytes:
    """The access export as one ZIP: a README in the person's language (with the art. 15(1)
    information), ``personal-data.json`` and the files that name them."""
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from meetings.formats.personal_data import personal_data_zip

    data = contact_personal_data_with_meetings(contact=contact)
    with translation.override(contact.preferred_language):
        readme = render_to_string(
            "meetings/personal_data_readme.txt",
            {
                "contact": contact,
                "generated_at": timezone.now(),
                "controller": settings.PRIVACY_CONTROLLER,
                "dpo": settings.PRIVACY_DPO_CONTACT,
            },
        )
    return personal_data_zip(readme=readme, data=data, files=personal_data_files(data=data))
