"""Each invariant of the meetings models is enforced by the database itself."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings import enums
from meetings.models import ActionItem, Meeting, Minutes, PanelDraw
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConsultationRoundFactory,
    InvitationFactory,
    MeetingFactory,
    MinutesFactory,
    RoundSessionFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_meeting_belongs_to_a_group_or_a_round_not_both():
    assert_rejected(
        lambda: MeetingFactory(
            working_group=WorkingGroupFactory(), consultation_round=ConsultationRoundFactory()
        )
    )


def test_meeting_belongs_to_at_least_a_group_or_a_round():
    assert_rejected(lambda: MeetingFactory(working_group=None, consultation_round=None))


def test_meeting_must_end_after_it_starts():
    start = timezone.now() + dt.timedelta(days=3)

    assert_rejected(lambda: MeetingFactory(starts_at=start, ends_at=start))


def test_meeting_capacity_must_be_positive():
    assert_rejected(lambda: MeetingFactory(capacity=0))


def test_meeting_ical_uid_is_unique():
    meeting = MeetingFactory()

    assert_rejected(lambda: MeetingFactory(ical_uid=meeting.ical_uid))


def test_meeting_of_a_group_cannot_be_deleted_with_its_group():
    meeting = MeetingFactory()

    with pytest.raises(Exception, match="protected"):
        meeting.working_group.delete()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_one_invitation_per_contact_and_meeting():
    invitation = InvitationFactory()

    assert_rejected(
        lambda: InvitationFactory(meeting=invitation.meeting, contact=invitation.contact)
    )


def test_waitlisted_invitation_needs_a_position():
    assert_rejected(lambda: InvitationFactory(status=enums.InvitationStatus.WAITLISTED))


def test_only_waitlisted_invitations_have_a_position():
    assert_rejected(
        lambda: InvitationFactory(status=enums.InvitationStatus.ACCEPTED, waitlist_position=1)
    )


def test_agenda_positions_unique_within_a_meeting():
    item = AgendaItemFactory(position=1)

    assert_rejected(lambda: AgendaItemFactory(meeting=item.meeting, position=1))


def test_agenda_item_needs_positive_minutes():
    assert_rejected(lambda: AgendaItemFactory(planned_minutes=0))


def test_minutes_versions_unique_per_meeting():
    minutes = MinutesFactory()

    assert_rejected(lambda: MinutesFactory(meeting=minutes.meeting, version=1))


def test_approved_minutes_need_an_approval_time():
    assert_rejected(lambda: MinutesFactory(status=enums.MinutesStatus.APPROVED))


def test_unapproved_minutes_have_no_approval_time():
    assert_rejected(lambda: MinutesFactory(approved_at=timezone.now()))
    assert Minutes.objects.count() == 0


def test_action_item_needs_an_owner():
    assert_rejected(lambda: ActionItemFactory(owner_organisation=None, owner_contact=None))


def test_closed_action_item_needs_closed_at():
    assert_rejected(lambda: ActionItemFactory(status=enums.ActionStatus.DONE))


def test_open_action_item_has_no_closed_at():
    assert_rejected(lambda: ActionItemFactory(closed_at=timezone.now()))
    assert ActionItem.objects.count() == 0


def test_only_one_current_panel_draw_per_session():
    session = RoundSessionFactory()
    PanelDraw.objects.create(meeting=session, seats=5, seed=1, pool_size=10)

    assert_rejected(
        lambda: PanelDraw.objects.create(meeting=session, seats=5, seed=2, pool_size=10)
    )
    PanelDraw.objects.filter(meeting=session).update(is_current=False)
    PanelDraw.objects.create(meeting=session, seats=5, seed=2, pool_size=10)
    assert PanelDraw.objects.filter(meeting=session).count() == 2


# --- Attachments, comments, minutes versions and exports ---------------------------------


def test_agenda_attachment_must_not_be_empty():
    from meetings.models import AgendaAttachment

    item = AgendaItemFactory()

    assert_rejected(
        lambda: AgendaAttachment.objects.create(
            agenda_item=item,
            file="agenda/x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=0,
        )
    )


def test_agenda_attachment_must_have_a_name():
    from meetings.models import AgendaAttachment

    item = AgendaItemFactory()

    assert_rejected(
        lambda: AgendaAttachment.objects.create(
            agenda_item=item,
            file="agenda/x.pdf",
            original_name="",
            content_type="application/pdf",
            size=10,
        )
    )


def test_minutes_comment_must_not_be_blank():
    from meetings.models import MinutesComment

    minutes = MinutesFactory()

    assert_rejected(lambda: MinutesComment.objects.create(minutes=minutes, text=""))


def test_minutes_correction_needs_a_reason():
    minutes = MinutesFactory()

    assert_rejected(lambda: MinutesFactory(meeting=minutes.meeting, version=2))


def test_minutes_circulated_needs_a_circulation_date():
    assert_rejected(lambda: MinutesFactory(status="circulated"))


def test_minutes_export_ready_needs_a_file():
    from meetings.models import MinutesExport
    from tests.factories import UserFactory

    user = UserFactory()

    assert_rejected(
        lambda: MinutesExport.objects.create(
            requested_by=user, title="x", format="pdf", status="ready"
        )
    )


def test_outbound_message_is_about_exactly_one_thing():
    from meetings.models import OutboundMessage

    invitation = InvitationFactory()
    action = ActionItemFactory()
    fields = {
        "kind": "update",
        "sequence": 1,
        "to_email": "a@example.org",
        "language": "en",
        "subject": "s",
        "body_text": "t",
        "body_html": "h",
        "next_attempt_at": timezone.now(),
    }

    assert_rejected(
        lambda: OutboundMessage.objects.create(invitation=invitation, action_item=action, **fields)
    )
    assert_rejected(lambda: OutboundMessage.objects.create(**fields))


def test_action_reminder_is_written_once_per_day():
    from meetings.models import OutboundMessage

    action = ActionItemFactory()
    fields = {
        "kind": "action_reminder",
        "sequence": 739000,
        "to_email": "a@example.org",
        "language": "en",
        "subject": "s",
        "body_text": "t",
        "body_html": "h",
        "next_attempt_at": timezone.now(),
    }
    OutboundMessage.objects.create(action_item=action, **fields)

    assert_rejected(lambda: OutboundMessage.objects.create(action_item=action, **fields))
