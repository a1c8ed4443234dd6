"""Reads of the report back: who was consulted in a round (and through which invitation their
personal link goes), whether their organisation may be named, and what was sent."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from coordination import enums as c_enums
from coordination.models import Consent, Contact, Organisation
from meetings import enums
from meetings.models import (
    Invitation,
    OutboundMessage,
    Report,
    ReportBackDelivery,
    ReportVersion,
)


@dataclass
class Recipient:
    contact: Contact
    invitation: Invitation
    named: bool


def organisation_is_named(organisation: Organisation) -> bool:
    """As the report decides: one of the organisation's active contacts holds an active
    "named in reports" consent."""
    return Consent.objects.filter(
        contact__organisation=organisation,
        contact__is_active=True,
        purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS,
        withdrawn_at__isnull=True,
    ).exists()


def report_back_recipients(*, report: Report) -> list[Recipient]:
    """Every contact consulted in the report's round: their invitation to one of its sessions
    was accepted, or they attended one. One recipient per contact, through their first such
    invitation."""
    round_id = report.consultation_round_id
    consulted = (
        Invitation.objects.filter(meeting__consultation_round_id=round_id)
        .exclude(meeting__status=enums.MeetingStatus.CANCELLED)
        .filter(
            Q(status=enums.InvitationStatus.ACCEPTED)
            | Q(
                contact__attendances__meeting__consultation_round_id=round_id,
                contact__attendances__status=enums.AttendanceStatus.PRESENT,
            )
        )
        .exclude(status=enums.InvitationStatus.CANCELLED)
        .filter(contact__is_active=True)
        .exclude(contact__email="")
        .select_related("contact__organisation")
        .annotate(
            named=Exists(
                Consent.objects.filter(
                    contact__organisation=OuterRef("contact__organisation"),
                    contact__is_active=True,
                    purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS,
                    withdrawn_at__isnull=True,
                )
            )
        )
        .order_by("contact_id", "pk")
        .distinct()
    )
    recipients: dict[int, Recipient] = {}
    for invitation in consulted:
        if invitation.contact_id not in recipients:
            recipients[invitation.contact_id] = Recipient(
                contact=invitation.contact, invitation=invitation, named=invitation.named
            )
    return list(recipients.values())


def final_version_for(*, report: Report, language: str) -> ReportVersion | None:
    """The final version in ``language`` if there is one, else the report's final version."""
    finals = report.versions.filter(is_final=True).defer("snapshot", "sections")
    return finals.filter(language=language).first() or finals.first()


def report_back_deliveries(*, report: Report) -> list[dict]:
    """What was sent, to whom, in which language, and when the e-mail left (the outbox)."""
    deliveries = list(
        ReportBackDelivery.objects.filter(report_back__report=report)
        .select_related("contact__organisation", "version")
        .order_by("contact__organisation__name", "contact__name")
    )
    invitations = [d.invitation_id for d in deliveries]
    messages = {
        row.invitation_id: row
        for row in report_back_messages(report=report, invitations=invitations)
    }
    return [{"delivery": d, "message": messages.get(d.invitation_id)} for d in deliveries]


def report_back_messages(*, report: Report, invitations: list[int]):
    return OutboundMessage.objects.filter(
        invitation_id__in=invitations, kind=enums.OutboxKind.REPORT_BACK, sequence=report.pk
    )
