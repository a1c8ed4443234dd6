"""Time polls: a facilitator proposes slots, invitees answer through their personal link, the
chosen slot schedules the meeting and sends its invitations."""

import datetime as dt
import re

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import Invitation, OutboundMessage, TimePoll, TimePollAnswer
from meetings.selectors.polls import time_poll_grid
from meetings.services import polls
from meetings.services.invitations import invitation_add, invitation_remove, invitations_send
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def moment(days: int, hour: int) -> dt.datetime:
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=days)


def slots(*days_and_hours):
    return [(moment(d, h), moment(d, h) + dt.timedelta(hours=3)) for d, h in days_and_hours]


def session_with_drafts(n=2, languages=("fr", "nl")):
    session = RoundSessionFactory()
    invitations = [
        InvitationFactory(
            meeting=session,
            status=InvitationStatus.DRAFTED,
            contact=ContactFactory(preferred_language=languages[i % len(languages)]),
        )
        for i in range(n)
    ]
    return session, invitations


def open_poll(session, by, proposed=((10, 9), (11, 13), (12, 9)), deadline_days=5):
    return polls.time_poll_create(
        meeting=session, slots=slots(*proposed), deadline=moment(deadline_days, 17), by=by
    )


def open_poll_answered_by_two(session, by):
    """A poll on three slots: the first invitee (French) answers yes, no, no; the second
    (Dutch) if need be, yes, no."""
    poll = open_poll(session, by)
    french, dutch = session.invitations.order_by("pk")[:2]
    first, second, third = poll.slots.all()
    for invitation, choices in [
        (french, ("yes", "no", "no")),
        (dutch, ("if_need_be", "yes", "no")),
    ]:
        polls.time_poll_answer(
            poll=poll,
            invitation=invitation,
            choices=dict(zip([first.pk, second.pk, third.pk], choices, strict=True)),
        )
    return poll


def link_in(message: OutboundMessage) -> str:
    return re.search(r"/poll/[^/\s]+/", message.body_text).group(0)


def test_opening_a_poll_writes_each_invitee_a_personal_link_in_their_language(team_user):
    session, (french, dutch) = session_with_drafts()

    poll = open_poll(session, team_user)

    messages = {m.invitation_id: m for m in OutboundMessage.objects.all()}
    assert [(s.starts_at, s.ends_at) for s in poll.slots.all()] == slots((10, 9), (11, 13), (12, 9))
    assert sorted(messages) == sorted([french.pk, dutch.pk])
    assert {m.kind for m in messages.values()} == {OutboxKind.TIME_POLL}
    assert messages[french.pk].language == "fr"
    assert (
        messages[french.pk].subject
        == f"Quand pouvez-vous participer à «\xa0{session.title}\xa0»\xa0?"
    )
    assert messages[dutch.pk].subject == f"Wanneer kunt u deelnemen aan “{session.title}”?"
    assert messages[french.pk].ical == ""
    french.refresh_from_db()
    assert (french.status, french.sent_at) == (InvitationStatus.DRAFTED, None)


@pytest.mark.parametrize(
    ("proposed", "deadline_days", "field", "message"),
    [
        ((), 5, "slots", "Propose at least one slot."),
        (((-1, 9),), -2, "slots", "A slot cannot start in the past."),
        (((10, 9), (10, 9)), 5, "slots", "A slot is proposed twice."),
        (((10, 9),), 11, "deadline", "The deadline must come before the first slot."),
        (((10, 9),), -1, "deadline", "The deadline must be in the future."),
    ],
)
def test_a_poll_with_bad_slots_or_deadline_is_refused_and_writes_nothing(
    team_user, proposed, deadline_days, field, message
):
    session, _invitations = session_with_drafts()

    with pytest.raises(ValidationError) as raised:
        open_poll(session, team_user, proposed=proposed, deadline_days=deadline_days)

    assert message in raised.value.message_dict[field]
    assert (TimePoll.objects.count(), OutboundMessage.objects.count()) == (0, 0)


def test_a_slot_longer_than_half_a_day_needs_confirmation(team_user):
    session, _invitations = session_with_drafts()
    long_slot = [(moment(10, 9), moment(10, 17))]

    with pytest.raises(ValidationError) as raised:
        polls.time_poll_create(
            meeting=session, slots=long_slot, deadline=moment(5, 17), by=team_user
        )
    confirmed = polls.time_poll_create(
        meeting=session,
        slots=long_slot,
        deadline=moment(5, 17),
        by=team_user,
        confirm_long=True,
    )

    assert raised.value.message_dict["slots"][0].startswith("A slot is longer than half a day")
    assert confirmed.slots.get().long_confirmed is True


def test_no_poll_once_the_invitations_went_out(team_user):
    session = RoundSessionFactory()
    InvitationFactory(meeting=session, status=InvitationStatus.SENT)

    with pytest.raises(ValidationError) as raised:
        open_poll(session, team_user)

    assert raised.value.messages == [
        "The invitations already went out: change the meeting's time instead."
    ]


def test_no_invitation_goes_out_by_hand_while_a_poll_is_open(client, team_user):
    session, invitations = session_with_drafts()
    open_poll(session, team_user)
    client.force_login(team_user)
    polled = OutboundMessage.objects.count()

    with pytest.raises(ValidationError) as raised:
        invitations_send(meeting=session, by=team_user)
    overview = client.get(reverse("meeting-invitations", args=[session.pk]))
    response = client.post(
        reverse("meeting-invitations-send", args=[session.pk]), {"without_agenda": "1"}, follow=True
    )

    assert raised.value.messages == [
        "A time poll is open for this meeting: choose its slot, which sends the invitations at "
        "that time."
    ]
    assert messages_of(response) == raised.value.messages
    page = BeautifulSoup(overview.content, "html.parser")
    assert page.select_one("#poll-open a")["href"] == reverse("time-poll", args=[session.pk])
    assert (
        page.select(f'form[action="{reverse("meeting-invitations-send", args=[session.pk])}"]')
        == []
    )
    assert {i.status for i in Invitation.objects.filter(pk__in=[i.pk for i in invitations])} == {
        InvitationStatus.DRAFTED
    }
    assert OutboundMessage.objects.count() == polled


def test_an_invitee_added_while_the_poll_is_open_is_sent_its_link_and_again_if_re_added(
    client, team_user
):
    session, _invitations = session_with_drafts()
    poll = open_poll(session, team_user)
    newcomer = ContactFactory(preferred_language="nl")

    added = invitation_add(meeting=session, contact=newcomer, by=team_user)
    invitation_remove(invitation=added, by=team_user)
    again = invitation_add(meeting=session, contact=newcomer, by=team_user)

    first, second = OutboundMessage.objects.filter(invitation=added).order_by("pk")
    assert [(m.kind, m.to_email, m.language) for m in (first, second)] == [
        (OutboxKind.TIME_POLL, newcomer.email, "nl"),
        (OutboxKind.TIME_POLL_REMINDER, newcomer.email, "nl"),
    ]
    assert (again.pk, again.status) == (added.pk, InvitationStatus.DRAFTED)
    revoked, page = client.get(link_in(first)), client.get(link_in(second))
    assert revoked.status_code == 404  # the removal revoked it
    assert page.status_code == 200
    assert (page.context["poll"], page.context["invitation"]) == (poll, added)


def test_an_invitee_added_once_the_slot_is_chosen_is_sent_the_invitation(team_user):
    session, _invitations = session_with_drafts()
    poll = open_poll(session, team_user)
    polls.time_poll_choose(poll=poll, slot=poll.slots.first(), by=team_user)

    added = invitation_add(meeting=session, contact=ContactFactory(), by=team_user)

    assert added.status == InvitationStatus.SENT
    assert list(
        OutboundMessage.objects.filter(invitation=added).values_list("kind", flat=True)
    ) == [OutboxKind.INVITATION]


def test_a_working_group_poll_asks_every_current_member(team_user):
    meeting = MeetingFactory()
    member = MembershipFactory(group=meeting.working_group).contact
    MembershipFactory(group=meeting.working_group, until=timezone.localdate())

    open_poll(meeting, team_user)

    assert list(meeting.invitations.values_list("contact", "status")) == [
        (member.pk, InvitationStatus.DRAFTED)
    ]
    assert OutboundMessage.objects.get().to_email == member.email


def test_an_invitee_answers_on_the_page_without_signing_in_and_can_change_it(client, team_user):
    session, (french, _dutch) = session_with_drafts()
    poll = open_poll(session, team_user)
    first, second, third = poll.slots.all()
    url = link_in(OutboundMessage.objects.get(invitation=french))

    page = client.get(url)
    answered = client.post(
        url,
        {f"slot_{first.pk}": "yes", f"slot_{second.pk}": "no", f"slot_{third.pk}": "if_need_be"},
    )
    changed = client.post(
        url, {f"slot_{first.pk}": "no", f"slot_{second.pk}": "yes", f"slot_{third.pk}": "no"}
    )

    assert page.status_code == 200
    assert "Quand pouvez-vous participer\xa0?" in page.content.decode()
    assert (answered.status_code, changed.status_code) == (302, 302)
    assert dict(
        TimePollAnswer.objects.filter(invitation=french).values_list("slot_id", "choice")
    ) == {first.pk: "no", second.pk: "yes", third.pk: "no"}
    assert messages_of(client.get(url)) == [
        "Merci\xa0: votre réponse a été enregistrée.",
        "Merci\xa0: votre réponse a été enregistrée.",
    ]


def test_an_incomplete_or_late_answer_is_refused_and_keeps_the_earlier_one(client, team_user):
    session, (french, _dutch) = session_with_drafts()
    poll = open_poll(session, team_user)
    first, second, third = poll.slots.all()
    polls.time_poll_answer(
        poll=poll, invitation=french, choices={first.pk: "yes", second.pk: "yes", third.pk: "yes"}
    )
    url = link_in(OutboundMessage.objects.get(invitation=french))

    incomplete = client.post(url, {f"slot_{first.pk}": "no"})
    with pytest.raises(ValidationError) as late:
        polls.time_poll_answer(
            poll=poll,
            invitation=french,
            choices={first.pk: "no", second.pk: "no", third.pk: "no"},
            now=poll.deadline + dt.timedelta(minutes=1),
        )

    assert incomplete.status_code == 400
    assert late.value.messages == ["The deadline of this poll has passed."]
    assert set(
        TimePollAnswer.objects.filter(invitation=french).values_list("choice", flat=True)
    ) == {"yes"}


@pytest.mark.parametrize("token", ["forged", "eyJwIjoxLCJpIjoxLCJuIjoieCJ9:bad:sig"])
def test_a_forged_poll_link_shows_an_explanation_not_an_error(client, token):
    response = client.get(reverse("time-poll-answer", args=[token]))

    assert response.status_code == 404
    assert response.context["error"] == "This poll link is not valid."


def test_a_removed_invitee_can_no_longer_answer(client, team_user):
    session, (french, _dutch) = session_with_drafts()
    open_poll(session, team_user)
    url = link_in(OutboundMessage.objects.get(invitation=french))
    french.status = InvitationStatus.CANCELLED
    french.save(update_fields=["status"])

    response = client.get(url)

    assert response.status_code == 404
    assert response.context["error"] == "This poll link was withdrawn."


def test_the_grid_counts_answers_per_slot_and_language_and_lists_who_has_not_answered(
    team_user,
):
    session, (_french, _dutch, french_two) = session_with_drafts(3)
    poll = open_poll_answered_by_two(session, team_user)
    first = poll.slots.first()

    grid = time_poll_grid(poll=poll)

    assert [(t.yes, t.if_need_be, t.no) for t in grid.totals] == [(1, 1, 0), (1, 0, 1), (0, 0, 2)]
    assert [t.by_language for t in grid.totals] == [{"fr": 1, "nl": 1}, {"nl": 1}, {}]
    assert [t.by_kind for t in grid.totals] == [{"ngo": 2}, {"ngo": 1}, {}]
    assert grid.kinds == [("ngo", "NGO")]
    assert grid.available_by_language == [("fr", [1, 0, 0]), ("nl", [1, 1, 0])]
    assert grid.available_by_kind == [("NGO", [2, 1, 0])]
    assert grid.not_answered == [french_two]
    assert grid.best.slot == first


def test_the_grid_page_shows_every_slot_of_an_availability_row_even_a_nobody(client, team_user):
    session, _invitations = session_with_drafts()
    open_poll_answered_by_two(session, team_user)
    client.force_login(team_user)

    response = client.get(reverse("time-poll", args=[session.pk]))

    footer = BeautifulSoup(response.content, "html.parser").select("table.poll-grid tfoot tr")
    assert [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in footer
    ] == [
        ["Yes", "1", "1", "0"],
        ["If need be", "1", "0", "0"],
        ["No", "0", "1", "2"],
        ["Available, FR", "1", "0", "0"],
        ["Available, NL", "1", "1", "0"],
        ["Available, NGO", "2", "1", "0"],
    ]


def test_the_grid_costs_the_same_queries_for_one_or_five_invitees(team_user):
    counts = []
    for n in (1, 5):
        session, invitations = session_with_drafts(n)
        poll = open_poll(session, team_user)
        choices = {slot.pk: "yes" for slot in poll.slots.all()}
        for invitation in invitations:
            polls.time_poll_answer(poll=poll, invitation=invitation, choices=choices)
        with CaptureQueriesContext(connection) as queries:
            time_poll_grid(poll=poll)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_participants_see_totals_but_never_who_answered(client, team_user):
    session, (french, dutch) = session_with_drafts()
    dutch.contact.name = "Hanne Peeters"
    dutch.contact.save(update_fields=["name"])
    poll = open_poll(session, team_user)
    polls.time_poll_answer(
        poll=poll, invitation=dutch, choices={slot.pk: "yes" for slot in poll.slots.all()}
    )

    page = client.get(link_in(OutboundMessage.objects.get(invitation=french))).content.decode()

    assert "Hanne Peeters" not in page
    assert page.count("1 oui, 0 si nécessaire, 0 non") == 3


def test_the_facilitators_grid_is_closed_to_participants(client, team_user):
    session, _invitations = session_with_drafts()
    open_poll(session, team_user)
    participant = UserFactory()
    InvitationFactory(meeting=session, contact=ContactFactory(user=participant))
    client.force_login(participant)

    response = client.get(reverse("time-poll", args=[session.pk]))

    assert response.status_code == 403


def test_a_facilitator_reminds_one_invitee_at_most_once_a_day(client, team_user):
    session, (french, dutch) = session_with_drafts()
    poll = open_poll(session, team_user)
    polls.time_poll_answer(
        poll=poll, invitation=dutch, choices={slot.pk: "no" for slot in poll.slots.all()}
    )
    client.force_login(team_user)
    url = reverse("time-poll", args=[session.pk])

    client.post(url, {"remind": french.pk})
    client.post(url, {"remind": french.pk})
    client.post(url, {"remind": dutch.pk})

    reminders = OutboundMessage.objects.filter(kind=OutboxKind.TIME_POLL_REMINDER)
    assert list(reminders.values_list("invitation_id", flat=True)) == [french.pk]
    assert messages_of(client.get(url)) == [
        f"{french.contact.name} is reminded.",
        f"{french.contact.name} was already reminded today.",
        "This invitee has already answered.",
    ]


def test_the_scheduled_reminder_goes_once_to_those_who_have_not_answered(team_user):
    session, (french, dutch) = session_with_drafts()
    poll = open_poll(session, team_user, deadline_days=5)
    polls.time_poll_answer(
        poll=poll, invitation=dutch, choices={slot.pk: "yes" for slot in poll.slots.all()}
    )
    too_early = poll.deadline - polls.POLL_REMINDER_BEFORE - dt.timedelta(hours=1)
    in_time = poll.deadline - dt.timedelta(hours=20)

    counts = [
        polls.time_poll_reminders_enqueue(now=too_early),
        polls.time_poll_reminders_enqueue(now=in_time),
        polls.time_poll_reminders_enqueue(now=in_time + dt.timedelta(hours=2)),
    ]

    assert counts == [0, 1, 0]
    assert list(
        OutboundMessage.objects.filter(kind=OutboxKind.TIME_POLL_REMINDER).values_list(
            "invitation_id", flat=True
        )
    ) == [french.pk]


def test_choosing_a_slot_schedules_the_meeting_and_sends_invitations_at_that_time(
    client, team_user
):
    session, (french, dutch) = session_with_drafts()
    poll = open_poll(session, team_user)
    chosen = poll.slots.all()[1]
    client.force_login(team_user)

    response = client.post(reverse("time-poll", args=[session.pk]), {"choose": chosen.pk})

    session.refresh_from_db()
    poll.refresh_from_db()
    invitations = OutboundMessage.objects.filter(kind=OutboxKind.INVITATION)
    events = [
        icalendar.Calendar.from_ical(m.ical).walk("VEVENT")[0] for m in invitations.order_by("pk")
    ]
    assert response.status_code == 302
    assert (session.starts_at, session.ends_at) == (chosen.starts_at, chosen.ends_at)
    assert (poll.chosen_slot, poll.is_open) == (chosen, False)
    assert sorted(invitations.values_list("invitation_id", flat=True)) == sorted(
        [french.pk, dutch.pk]
    )
    assert [e.decoded("DTSTART") for e in events] == [chosen.starts_at, chosen.starts_at]
    assert set(session.invitations.values_list("status", flat=True)) == {InvitationStatus.SENT}


def test_a_closed_poll_takes_no_more_answers_and_no_second_choice(client, team_user):
    session, (french, _dutch) = session_with_drafts()
    poll = open_poll(session, team_user)
    first, second, third = poll.slots.all()
    polls.time_poll_answer(
        poll=poll, invitation=french, choices={first.pk: "yes", second.pk: "no", third.pk: "no"}
    )
    url = link_in(OutboundMessage.objects.get(invitation=french, kind=OutboxKind.TIME_POLL))
    polls.time_poll_choose(poll=poll, slot=first, by=team_user)

    page = client.get(url)
    with pytest.raises(ValidationError) as again:
        polls.time_poll_choose(poll=poll, slot=second, by=team_user)
    late = client.post(
        url, {f"slot_{first.pk}": "no", f"slot_{second.pk}": "no", f"slot_{third.pk}": "no"}
    )

    assert "Le sondage est clôturé\xa0:" in page.content.decode()
    assert again.value.messages == ["A slot was already chosen for this poll."]
    assert late.status_code == 400
    assert TimePollAnswer.objects.get(slot=first, invitation=french).choice == "yes"


def test_the_poll_page_opens_the_poll_with_slots_in_the_meetings_time_zone(client, team_user):
    session, _invitations = session_with_drafts()
    client.force_login(team_user)
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()

    response = client.post(
        reverse("time-poll-create", args=[session.pk]),
        {
            "slot_0_date": day,
            "slot_0_start": "09:00",
            "slot_0_end": "12:30",
            "slot_1_date": day,
            "slot_1_start": "13:30",
            "slot_1_end": "17:00",
            "deadline_date": deadline,
            "deadline_time": "17:00",
        },
    )
    refused = client.post(
        reverse("time-poll-create", args=[RoundSessionFactory().pk]),
        {"slot_0_date": day, "deadline_date": deadline, "deadline_time": "17:00"},
    )

    poll = TimePoll.objects.get(meeting=session)
    assert response.status_code == 302
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in poll.slots.all()] == [
        "09:00",
        "13:30",
    ]
    assert refused.status_code == 400
    assert refused.context["form"].errors["slot_0_date"] == [
        "Give the slot's date, start and end, or none."
    ]


def test_an_invitee_with_an_account_reaches_the_poll_from_the_home_page_and_the_meeting(
    client, team_user
):
    session = MeetingFactory(title="Logement")  # a working group's
    user = UserFactory(preferred_language="en")
    MembershipFactory(group=session.working_group, contact=ContactFactory(user=user))
    poll = open_poll(session, team_user)
    mine = session.invitations.get(contact__user=user)
    e_mailed = link_in(OutboundMessage.objects.get(invitation=mine, kind=OutboxKind.TIME_POLL))
    client.force_login(user)

    home = BeautifulSoup(client.get("/").content, "html.parser")
    detail = BeautifulSoup(
        client.get(reverse("meeting-detail", args=[session.pk])).content, "html.parser"
    )
    polls.time_poll_answer(
        poll=poll, invitation=mine, choices={slot.pk: "yes" for slot in poll.slots.all()}
    )
    answered = BeautifulSoup(client.get("/").content, "html.parser")
    polls.time_poll_choose(poll=poll, slot=poll.slots.first(), by=team_user)
    chosen = BeautifulSoup(client.get("/").content, "html.parser")
    chosen_detail = client.get(reverse("meeting-detail", args=[session.pk])).content.decode()

    due = f"{timezone.localtime(poll.deadline):%-d %B %Y}, 17:00"  # Brussels, as the user
    waiting = home.select("#invitations-heading ~ ul li.time-poll")
    assert [(li.a["href"], " ".join(li.get_text().split())) for li in waiting] == [
        (e_mailed, f"Logement Time poll: which times suit you? Answer by {due}")
    ]
    upcoming = [" ".join(li.get_text().split()) for li in home.select("#upcoming-heading ~ ul li")]
    assert upcoming == ["Logement time to be chosen by a poll · In person"]
    assert " ".join(detail.select_one("#time-poll-open").get_text().split()) == (
        f"To be chosen by a time poll (answers due by {due}) · Say which times suit you"
    )
    assert detail.select_one("#time-poll-open a")["href"] == e_mailed
    ics = reverse("meeting-ics", args=[session.pk])
    assert detail.select(f'a[href="{ics}"]') == []  # no calendar entry for a time not chosen
    assert answered.select("li.time-poll") == []
    assert chosen.select("li.time-poll") == []
    assert "time to be chosen" not in chosen.get_text()
    assert 'id="time-poll-open"' not in chosen_detail
    assert f'href="{ics}"' in chosen_detail
