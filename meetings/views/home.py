"""The home page: what matters to the signed-in user."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from coordination import dates
from meetings.enums import ActionStatus, InvitationStatus, MeetingFormat
from meetings.selectors.actions import my_action_items
from meetings.selectors.invitations import my_open_invitations
from meetings.selectors.polls import my_open_time_polls
from meetings.selectors.scheduling import my_upcoming_meetings
from meetings.services.poll_links import time_poll_token_of
from meetings.views.base import url_maker


def home_rows(*, meetings, invitations, polls, action_items, today) -> dict[str, list[dict]]:
    """What the home page shows of each meeting, invitation, time poll and action item, ready
    for the template (which then only prints): dates formatted, labels and links resolved once
    per page."""
    meeting_url, action_url = url_maker("meeting-detail"), url_maker("action-detail")
    formats = {value: str(label) for value, label in MeetingFormat.choices}
    answers = {value: str(label) for value, label in InvitationStatus.choices}
    statuses = {value: str(label) for value, label in ActionStatus.choices}
    return {
        "meeting_rows": [
            {
                "url": meeting_url(meeting.pk),
                "title": meeting.title,
                "when": (
                    _("time to be chosen by a poll")
                    if meeting.time_poll_open
                    else dates.medium_datetime(meeting.starts_at)
                ),
                "time_zone": not meeting.time_poll_open,
                "format": formats.get(meeting.format, meeting.format),
            }
            for meeting in meetings
        ],
        "poll_rows": [
            {
                # The invitee's own link, as their e-mail carries it.
                "url": reverse(
                    "time-poll-answer",
                    args=[
                        time_poll_token_of(
                            poll_id=row["poll"], invitation_id=row["pk"], nonce=row["token_nonce"]
                        )
                    ],
                ),
                "title": row["meeting__title"],
                "due": dates.medium_datetime(row["deadline"]),
            }
            for row in polls
        ],
        "invitation_rows": [
            {
                "url": meeting_url(invitation.meeting.pk),
                "title": invitation.meeting.title,
                "when": dates.medium_datetime(invitation.meeting.starts_at),
                "status": answers.get(invitation.status, invitation.status),
            }
            for invitation in invitations
        ],
        "action_rows": [
            {
                "url": action_url(item.pk),
                "description": item.description,
                "due": dates.medium_date(item.due_date) if item.due_date else "",
                "status": statuses.get(item.status, item.status),
                "overdue": item.due_date is not None and item.due_date < today,
            }
            for item in action_items
        ],
    }


class HomeView(TemplateView):
    """What matters to the signed-in user: upcoming meetings, open invitations and their
    action items. Visitors see a short introduction and the sign-in link."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["upcoming_meetings"] = my_upcoming_meetings(user=user)
            context["open_invitations"] = list(my_open_invitations(user=user))
            context["open_polls"] = my_open_time_polls(user=user)
            context["action_items"] = my_action_items(user=user)
            context["today"] = timezone.localdate()
            context |= home_rows(
                meetings=context["upcoming_meetings"],
                invitations=context["open_invitations"],
                polls=context["open_polls"],
                action_items=context["action_items"],
                today=context["today"],
            )
        return context
