"""Everything the product holds about one person (GDPR art. 15 and 20)."""

from coordination.selectors import contact_personal_data
from meetings.models import TimeProposal


def contact_personal_data_with_meetings(*, contact) -> dict:
    """Everything the product holds about one person: the coordination app's part plus
    invitations, the times they proposed from their calendar, attendance and the action
    items they own."""

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
        }
        for i in invitations
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
    data["action_items"] = [
        {
            "description": a.description,
            "due_date": a.due_date and a.due_date.isoformat(),
            "status": a.status,
        }
        for a in contact.action_items.order_by("due_date", "id")
    ]
    return data
