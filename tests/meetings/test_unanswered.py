"""Who has not answered, per session: the invitation, the time poll and the feedback, with a
"remind" button each (once a day per person and question, logged with ids)."""

import datetime as dt
import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import FeedbackRequest, OutboundMessage
from meetings.services import polls
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    OrganisationFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def invitee(session, name, status, language="fr"):
    return InvitationFactory(
        meeting=session,
        status=status,
        sent_at=None if status == InvitationStatus.DRAFTED else timezone.now(),
        contact=ContactFactory(
            name=name,
            organisation=OrganisationFactory(name=f"{name} org"),
            preferred_language=language,
        ),
    )


def page_rows(response) -> dict[str, list[str]]:
    html = response.content.decode()
    groups = {}
    for kind, body in re.findall(r'id="unanswered-(\w+)">(.*?)</section>', html, re.S):
        groups[kind] = re.findall(r"<td>[^<]*</td>\s*<td>([^<]+)</td>", body)
    return groups


def remind(client, session, invitation, kind):
    return client.post(
        reverse("meeting-unanswered", args=[session.pk]),
        {"kind": kind, "invitation": invitation.pk},
        follow=True,
    )


def test_unanswered_page_lists_who_has_not_answered_each_question(client, team_user):
    session = RoundSessionFactory()
    silent = invitee(session, "Silent", InvitationStatus.SENT)
    came = invitee(session, "Came", InvitationStatus.ACCEPTED)
    invitee(session, "Declined", InvitationStatus.DECLINED)
    FeedbackRequest.objects.create(invitation=came, sent_at=timezone.now())
    answered = invitee(session, "Answered", InvitationStatus.ACCEPTED)
    FeedbackRequest.objects.create(
        invitation=answered, sent_at=timezone.now(), answered_at=timezone.now()
    )
    client.force_login(team_user)

    response = client.get(reverse("meeting-unanswered", args=[session.pk]))
    detail = client.get(reverse("meeting-detail", args=[session.pk])).content.decode()

    assert page_rows(response) == {
        "invitation": [silent.contact.name],
        "poll": [],
        "feedback": [came.contact.name],
    }
    assert reverse("meeting-unanswered", args=[session.pk]) in detail


def test_unanswered_invitation_reminder_goes_once_a_day_and_is_logged(client, team_user, caplog):
    session = RoundSessionFactory()
    silent = invitee(session, "Silent", InvitationStatus.SENT)
    client.force_login(team_user)

    with caplog.at_level(logging.INFO, logger="meetings.services.unanswered"):
        first = remind(client, session, silent, "invitation")
        second = remind(client, session, silent, "invitation")

    rows = OutboundMessage.objects.filter(invitation=silent)
    assert messages_of(first) == ["A reminder is on its way to Silent."]
    assert messages_of(second) == ["Silent was already reminded today."]
    assert list(rows.values_list("kind", "sequence", "language")) == [
        (OutboxKind.NUDGE, timezone.localdate().toordinal(), "fr")
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "meetings.services.unanswered"] == [
        f"User {team_user.pk} reminded contact {silent.contact_id} (invitation {silent.pk}, "
        f"meeting {session.pk}) to answer the invitation"
    ]
    assert page_rows(second)["invitation"] == ["Silent"]
    assert "reminded today" in second.content.decode()


def test_unanswered_poll_and_feedback_reminders_go_through_their_own_links(client, team_user):
    session = RoundSessionFactory()
    drafted = invitee(session, "Drafted", InvitationStatus.DRAFTED, language="nl")
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    slot = (start + dt.timedelta(days=10), start + dt.timedelta(days=10, hours=3))
    polls.time_poll_create(
        meeting=session, slots=[slot], deadline=start + dt.timedelta(days=5), by=team_user
    )
    held = RoundSessionFactory(
        starts_at=timezone.now() - dt.timedelta(days=1, hours=4),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    came = invitee(held, "Came", InvitationStatus.ACCEPTED, language="de")
    FeedbackRequest.objects.create(invitation=came, sent_at=timezone.now())
    client.force_login(team_user)

    poll = remind(client, session, drafted, "poll")
    feedback = remind(client, held, came, "feedback")

    today = timezone.localdate().toordinal()
    assert messages_of(poll) == ["A reminder is on its way to Drafted."]
    assert messages_of(feedback) == ["A reminder is on its way to Came."]
    assert list(
        OutboundMessage.objects.filter(sequence=today).values_list("invitation_id", "kind")
    ) == [(drafted.pk, OutboxKind.TIME_POLL_REMINDER), (came.pk, OutboxKind.FEEDBACK_REMINDER)]
    assert "/poll/" in OutboundMessage.objects.get(invitation=drafted, sequence=today).body_text
    assert "/feedback/" in OutboundMessage.objects.get(invitation=came, sequence=today).body_text


def test_unanswered_reminder_of_someone_who_answered_is_refused(client, team_user):
    session = RoundSessionFactory()
    came = invitee(session, "Came", InvitationStatus.ACCEPTED)
    client.force_login(team_user)

    answered = remind(client, session, came, "invitation")
    unknown_kind = client.post(
        reverse("meeting-unanswered", args=[session.pk]),
        {"kind": "minutes", "invitation": came.pk},
        follow=True,
    )
    not_a_number = client.post(
        reverse("meeting-unanswered", args=[session.pk]),
        {"kind": "invitation", "invitation": "1 OR 1=1"},
        follow=True,
    )
    other_meeting = remind(client, RoundSessionFactory(), came, "invitation")

    assert messages_of(answered) == ["This invitee has already answered."]
    assert messages_of(unknown_kind) == ["Choose an invitee to remind."]
    assert messages_of(not_a_number) == ["Choose an invitee to remind."]
    assert other_meeting.status_code == 404
    assert OutboundMessage.objects.count() == 0


def test_unanswered_page_is_for_facilitators_only(client):
    session = RoundSessionFactory()
    silent = invitee(session, "Silent", InvitationStatus.SENT)
    silent.contact.user = UserFactory()
    silent.contact.save(update_fields=["user"])
    client.force_login(silent.contact.user)

    page = client.get(reverse("meeting-unanswered", args=[session.pk]))
    post = remind(client, session, silent, "invitation")

    assert (page.status_code, post.status_code) == (403, 403)
    assert OutboundMessage.objects.count() == 0


def test_unanswered_page_costs_the_same_queries_for_one_or_five_invitees(client, team_user):
    client.force_login(team_user)
    counts = []
    for n in (1, 5):
        session = RoundSessionFactory()
        for i in range(n):
            invitation = invitee(session, f"P{n}-{i}", InvitationStatus.SENT)
            FeedbackRequest.objects.create(invitation=invitation, sent_at=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("meeting-unanswered", args=[session.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1]
