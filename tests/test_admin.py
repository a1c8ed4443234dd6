"""The admin never edits workflow fields: every registered ModelAdmin and inline is walked
and proven to keep them read-only, and its actions are proven to run the services (outbox,
SEQUENCE, locks, histories) through the changelist, as a member of the team would."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coordination import enums as c_enums
from coordination import models as c
from coordination.selectors import volunteer_pool
from meetings import enums as m_enums
from meetings import models as m
from meetings.services.agendas import agenda_publish
from meetings.services.invitations import invitations_send
from meetings.services.minutes import minutes_circulate
from meetings.services.reports import report_get_or_create
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConsentFactory,
    ConsultationRoundFactory,
    ContactFactory,
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    MinutesFactory,
    MinutesNoteFactory,
    OrganisationFactory,
    PanelDrawFactory,
    RoundSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _all_fields(model) -> frozenset[str]:
    return frozenset(field.name for field in model._meta.get_fields() if field.concrete)


# The fields that only a service may change, per model: no admin form (model admin or
# inline, add or change) may offer them for editing.
WORKFLOW_FIELDS: dict[type, frozenset[str]] = {
    c.User: frozenset({"calendar_token"}),
    c.Contact: frozenset({"erased_at"}),
    c.Consent: frozenset(
        {
            "contact",
            "purpose",
            "lawful_basis",
            "source",
            "given_at",
            "withdrawn_at",
            "recorded_by",
            "recorded_at",
        }
    ),
    c.ConsultationRound: frozenset({"status"}),
    m.Meeting: frozenset(
        {
            "working_group",
            "consultation_round",
            "starts_at",
            "ends_at",
            "timezone",
            "location",
            "online_url",
            "format",
            "status",
            "ical_uid",
            "sequence",
            "recurrence_rule",
            "recurrence_exdates",
            "recurrence_parent",
            "recurrence_id",
            "agenda_version",
            "agenda_published_at",
        }
    ),
    m.AgendaItem: frozenset({"meeting", "position"}),
    m.Invitation: frozenset(
        {
            "meeting",
            "contact",
            "status",
            "waitlist_position",
            "holds_seat",
            "panel_draw",
            "delegated_from",
            "sent_at",
            "answered_at",
            "reminded_at",
            "token_nonce",
        }
    ),
    m.PanelDraw: _all_fields(m.PanelDraw),
    m.Minutes: frozenset(
        {
            "meeting",
            "version",
            "status",
            "circulated_at",
            "comments_due",
            "circulation_notified_at",
            "approved_at",
            "approved_by",
            "approved_at_meeting",
            "correction_reason",
            "created_by",
        }
    ),
    m.Decision: frozenset({"minutes"}),
    m.ActionItem: frozenset(
        {"status", "closed_at", "reminded_on", "origin_meeting", "origin_agenda_item"}
    ),
    m.ActionItemEvent: _all_fields(m.ActionItemEvent),
    m.OutboundMessage: _all_fields(m.OutboundMessage),
    m.Report: frozenset({"consultation_round", "language", "locked_at"}),
    m.ReportVersion: _all_fields(m.ReportVersion),
    m.ReportJob: _all_fields(m.ReportJob),
    m.AgendaAttachment: _all_fields(m.AgendaAttachment),
    m.MinutesComment: _all_fields(m.MinutesComment),
    m.MinutesExport: _all_fields(m.MinutesExport),
}

# What an add form may ask for because the service that creates the object takes it.
ADD_FORM_INPUTS: dict[type, frozenset[str]] = {
    c.Consent: frozenset({"contact", "purpose", "lawful_basis", "source", "given_at"}),
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_request(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


@pytest.fixture
def one_of_each(superuser):
    """A saved row of every model whose admin can edit something, so that the walk sees
    each change form and each inline as it is for a real object."""
    membership = MembershipFactory()
    contact = membership.contact
    ConsentFactory(contact=contact)
    c.SurveyResponse.objects.create(
        survey=c.Survey.objects.get(code="be-with-u-needs-2022"),
        organisation=contact.organisation,
        form_language="fr",
        answers={"q56": "yes"},
    )
    meeting = MeetingFactory(working_group=membership.group)
    invitations_send(meeting=meeting)  # a sent invitation and its outbox row
    AgendaItemFactory(meeting=meeting)
    note = MinutesNoteFactory(minutes__meeting=meeting)
    DecisionFactory(minutes=note.minutes)
    m.Attendance.objects.create(
        meeting=meeting, contact=contact, status=m_enums.AttendanceStatus.PRESENT
    )
    action = ActionItemFactory(origin_meeting=meeting)
    m.ActionItemEvent.objects.create(action_item=action, kind=m_enums.ActionEventKind.CREATED)
    draw = PanelDrawFactory()
    report_get_or_create(consultation_round=draw.meeting.consultation_round)


def _editable(model_admin, request, obj) -> set[str]:
    """The fields the add form (``obj`` None) or the change form of ``obj`` lets one edit."""
    allowed = (
        model_admin.has_add_permission(request)
        if obj is None
        else model_admin.has_change_permission(request, obj)
    )
    if not allowed:
        return set()
    return set(model_admin.get_form(request, obj, change=obj is not None).base_fields)


def _inline_editable(model_admin, inline, request, parent) -> set[str]:
    """The fields an inline lets one edit on the parent's page, as the admin decides it (an
    inline is read-only when its parent is, see ``ModelAdmin.get_inline_formsets``)."""
    can_edit_parent = (
        model_admin.has_change_permission(request, parent)
        if parent is not None
        else model_admin.has_add_permission(request)
    )
    if not can_edit_parent:
        return set()
    if not (
        inline.has_change_permission(request, parent) or inline.has_add_permission(request, parent)
    ):
        return set()
    formset = inline.get_formset(request, parent)
    # The key to the parent is always the parent (``InlineForeignKeyField``), never a choice.
    return set(formset.form.base_fields) - {formset.fk.name}


def _sample(model_admin, request):
    sample = model_admin.model._default_manager.order_by("pk").first()
    if sample is None and model_admin.has_change_permission(request, None):
        pytest.fail(f"Add a {model_admin.model.__name__} to the one_of_each fixture")
    return sample


def _exposed_workflow_fields(request) -> tuple[dict[str, set[str]], list[str]]:
    exposed: dict[str, set[str]] = {}
    walked: list[str] = []
    for model, model_admin in admin.site._registry.items():
        inlines = {type(inline) for inline in model_admin.get_inline_instances(request)}
        if model not in WORKFLOW_FIELDS and not any(i.model in WORKFLOW_FIELDS for i in inlines):
            continue
        sample = _sample(model_admin, request)
        for obj, form_kind in ((None, "add"), (sample, "change")):
            if model in WORKFLOW_FIELDS:
                walked.append(f"{type(model_admin).__name__} {form_kind}")
                inputs = ADD_FORM_INPUTS.get(model, frozenset()) if obj is None else frozenset()
                fields = _editable(model_admin, request, obj) & (WORKFLOW_FIELDS[model] - inputs)
                if fields:
                    exposed[f"{type(model_admin).__name__} ({form_kind})"] = fields
            for inline in model_admin.get_inline_instances(request, obj):
                if inline.model not in WORKFLOW_FIELDS:
                    continue
                walked.append(f"{type(model_admin).__name__}.{type(inline).__name__} {form_kind}")
                fields = _inline_editable(model_admin, inline, request, obj)
                fields &= WORKFLOW_FIELDS[inline.model]
                if fields:
                    exposed[f"{type(inline).__name__} in {type(model_admin).__name__}"] = fields
    return exposed, walked


def test_workflow_field_names_exist_on_their_models():
    for model, names in {**WORKFLOW_FIELDS, **ADD_FORM_INPUTS}.items():
        for name in names:
            assert model._meta.get_field(name).concrete, (model, name)


def test_every_admin_and_inline_keeps_workflow_fields_read_only(one_of_each, admin_request):
    exposed, walked = _exposed_workflow_fields(admin_request)

    assert exposed == {}
    assert {
        "MeetingAdmin change",
        "MeetingAdmin.AgendaItemInline change",
        "ContactAdmin.ConsentInline change",
        "OrganisationAdmin.ContactInline change",
        "InvitationAdmin change",
        "ConsentAdmin add",
        "ActionItemAdmin.ActionItemEventInline change",
        "ReportAdmin.ReportJobInline change",
    } <= set(walked)


def test_the_walk_fails_when_an_admin_exposes_a_workflow_field(
    one_of_each, admin_request, monkeypatch
):
    class CarelessInvitationInline(admin.TabularInline):
        model = m.Invitation
        fields = ("meeting", "status", "comment")

    contact_admin = admin.site._registry[c.Contact]
    monkeypatch.setattr(
        contact_admin, "inlines", [*contact_admin.inlines, CarelessInvitationInline]
    )

    exposed, _walked = _exposed_workflow_fields(admin_request)

    assert exposed == {"CarelessInvitationInline in ContactAdmin": {"meeting", "status"}}


def test_workflow_objects_cannot_be_added_in_the_admin(admin_request):
    refused = {
        model.__name__
        for model in (m.Meeting, m.Invitation, m.Minutes, m.PanelDraw, m.OutboundMessage)
        if not admin.site._registry[model].has_add_permission(admin_request)
    }

    assert refused == {"Meeting", "Invitation", "Minutes", "PanelDraw", "OutboundMessage"}


# --- The actions, through the changelist -----------------------------------------------


def _run_action(client, model, action: str, objects) -> list[str]:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def staff_client(client_for, superuser):
    return client_for(superuser)


def _group_meeting_with_members(*names: str):
    meeting = MeetingFactory(title="Housing group, May")
    for name in names:
        MembershipFactory(
            group=meeting.working_group,
            contact=ContactFactory(name=name, email=f"{name.lower()}@example.org"),
        )
    return meeting


def test_admin_sends_drafted_invitations_through_the_outbox(staff_client):
    meeting = _group_meeting_with_members("Ana", "Bert")
    nothing_left = MeetingFactory(title="Already sent")
    InvitationFactory(meeting=nothing_left, status=m_enums.InvitationStatus.SENT)

    shown = _run_action(
        staff_client, m.Meeting, "send_drafted_invitations", [meeting, nothing_left]
    )

    assert shown == [
        "“Housing group, May”: 2 invitations were sent.",
        "“Already sent” was left as it was: There are no drafted invitations to send.",
    ]
    assert sorted(
        m.OutboundMessage.objects.filter(invitation__meeting=meeting).values_list(
            "to_email", "kind", "ical_method", "status"
        )
    ) == [
        ("ana@example.org", "invitation", "REQUEST", "pending"),
        ("bert@example.org", "invitation", "REQUEST", "pending"),
    ]
    assert set(meeting.invitations.values_list("status", flat=True)) == {"sent"}


def test_admin_cancels_a_meeting_with_cancel_messages_and_a_higher_sequence(staff_client):
    meeting = _group_meeting_with_members("Ana")
    invitations_send(meeting=meeting)

    shown = _run_action(staff_client, m.Meeting, "cancel_meeting", [meeting])
    again = _run_action(staff_client, m.Meeting, "cancel_meeting", [meeting])

    meeting.refresh_from_db()
    assert shown == ["“Housing group, May” was cancelled; everyone invited is sent a cancellation."]
    assert again == ["“Housing group, May” was left as it was: This meeting is already cancelled."]
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    assert list(
        m.OutboundMessage.objects.filter(kind=m_enums.OutboxKind.CANCEL).values_list(
            "to_email", "sequence", "ical_method"
        )
    ) == [("ana@example.org", 1, "CANCEL")]


def test_admin_removes_an_invitee_with_a_cancellation(staff_client):
    meeting = _group_meeting_with_members("Ana")
    invitations_send(meeting=meeting)
    invitation = meeting.invitations.get()

    shown = _run_action(staff_client, m.Invitation, "remove_invitee", [invitation])

    invitation.refresh_from_db()
    meeting.refresh_from_db()
    assert shown == ["Ana was removed from “Housing group, May”."]
    assert (invitation.status, meeting.sequence) == ("cancelled", 1)
    assert list(invitation.outbound_messages.order_by("id").values_list("kind", "sequence")) == [
        ("invitation", 0),
        ("cancel", 1),
    ]


def test_admin_approves_circulated_minutes_and_they_are_locked(staff_client, superuser):
    circulated = MinutesFactory(meeting__title="Housing group, May")
    minutes_circulate(minutes=circulated, comments_due=timezone.now() + dt.timedelta(days=3))
    draft = MinutesFactory(meeting__title="Housing group, June")

    shown = _run_action(staff_client, m.Minutes, "approve_minutes", [circulated, draft])
    change = staff_client.post(
        reverse("admin:meetings_minutes_change", args=[circulated.pk]),
        {"notes-TOTAL_FORMS": "0", "notes-INITIAL_FORMS": "0"},
    )

    circulated.refresh_from_db()
    draft.refresh_from_db()
    assert shown == [
        "“Housing group, May – v1” was approved and is now locked.",
        "“Housing group, June – v1” was left as it was: Circulate the minutes for comments "
        "before approving them.",
    ]
    assert (circulated.status, circulated.approved_by) == ("approved", superuser)
    assert draft.status == "draft"
    assert change.status_code == 403


def test_admin_withdraws_a_consent_and_the_organisation_leaves_the_pool(staff_client):
    organisation = OrganisationFactory(name="Volunteer NGO")
    c.SurveyResponse.objects.create(
        survey=c.Survey.objects.get(code="be-with-u-needs-2022"),
        organisation=organisation,
        form_language="fr",
        answers={"q56": "yes"},
    )
    consent = ConsentFactory(contact=ContactFactory(organisation=organisation, name="Olga"))
    before = [o.name for o in volunteer_pool()]

    shown = _run_action(staff_client, c.Consent, "withdraw_consent", [consent])
    again = _run_action(staff_client, c.Consent, "withdraw_consent", [consent])

    consent.refresh_from_db()
    assert before == ["Volunteer NGO"]
    assert [o.name for o in volunteer_pool()] == []
    assert consent.withdrawn_at is not None
    assert shown == ["“Olga (Volunteer NGO): Taking part in consultation rounds” was withdrawn."]
    assert again == [
        "“Olga (Volunteer NGO): Taking part in consultation rounds” was left as it was: This "
        "consent was already withdrawn."
    ]


def test_admin_only_closes_a_reported_round(staff_client):
    round_ = ConsultationRoundFactory(title="Spring round")
    reported = ConsultationRoundFactory(title="Winter round", status="reported")

    refused = _run_action(staff_client, c.ConsultationRound, "move_to_closed", [round_])
    moved = _run_action(staff_client, c.ConsultationRound, "move_to_closed", [reported])

    round_.refresh_from_db()
    reported.refresh_from_db()
    assert refused == [
        "“Spring round” was left as it was: A round cannot go from “Draft” to “Closed”."
    ]
    assert moved == ["“Winter round” is now “Closed”."]
    assert (round_.status, reported.status) == ("draft", "closed")
    # the other statuses follow what happened: no admin action sets them
    actions = staff_client.get("/admin/coordination/consultationround/").context["action_form"]
    assert [name for name, _label in actions.fields["action"].choices] == [
        "",
        "delete_selected",
        "move_to_closed",
    ]


def test_admin_marks_an_action_item_done_and_records_it(staff_client, superuser):
    action = ActionItemFactory(description="Send the figures")

    shown = _run_action(staff_client, m.ActionItem, "mark_done", [action])
    again = _run_action(staff_client, m.ActionItem, "mark_done", [action])
    dropped = _run_action(staff_client, m.ActionItem, "mark_dropped", [action])

    action.refresh_from_db()
    assert shown == ["“Send the figures” is now “Done”."]
    assert again == ["“Send the figures” was left as it was: The action item is already “Done”."]
    assert dropped == ["“Send the figures” is now “Dropped”."]
    assert action.status == "dropped"
    assert action.closed_at is not None
    assert list(action.events.values_list("kind", "from_status", "to_status", "author")) == [
        ("status", "open", "done", superuser.pk),
        ("status", "done", "dropped", superuser.pk),
    ]


def test_admin_retries_only_failed_emails(staff_client):
    meeting = _group_meeting_with_members("Ana", "Bert")
    invitations_send(meeting=meeting)
    m.OutboundMessage.objects.filter(to_email="ana@example.org").update(
        status=m_enums.OutboxStatus.FAILED, attempts=5, last_error="550 mailbox unavailable"
    )
    failed, pending = m.OutboundMessage.objects.order_by("to_email")

    shown = _run_action(staff_client, m.OutboundMessage, "retry_failed", [failed, pending])

    failed.refresh_from_db()
    assert shown == [
        "“Invitation → ana@example.org (Failed)” will be sent again.",
        "“Invitation → bert@example.org (Pending)” was left as it was: Only a failed e-mail can "
        "be sent again.",
    ]
    assert (failed.status, failed.attempts) == ("pending", 0)


def test_admin_switches_calendar_links_off(staff_client, client):
    user = UserFactory(username="olga")
    ContactFactory(user=user)
    old = user.calendar_token

    shown = _run_action(staff_client, get_user_model(), "revoke_calendar_links", [user])

    user.refresh_from_db()
    assert shown == ["The calendar links of “olga” were switched off."]
    assert user.calendar_feed_active is False
    assert client.get(reverse("calendar-feed", args=[old])).status_code == 404


def test_admin_erases_a_contacts_personal_data(staff_client):
    contact = ContactFactory(name="Anna Example", organisation__name="NGO")

    shown = _run_action(staff_client, c.Contact, "erase_personal_data", [contact])

    contact.refresh_from_db()
    number = contact.erasure.pk
    assert shown == [
        f"The personal data of contact #{contact.pk} were erased: now “Participant {number} (NGO)”."
    ]
    assert (contact.name, contact.email) == (f"Participant {number}", None)
    assert contact.erasure.door == "admin"


# --- Change forms: data fields through the services, workflow fields untouched -----------


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_invitation_change_form_cannot_change_the_status(staff_client):
    invitation = InvitationFactory(status=m_enums.InvitationStatus.SENT)

    response = staff_client.post(
        _change_url(invitation),
        {
            "status": "accepted",
            "holds_seat": "on",
            "comment": "Comes with a colleague.",
            "participation_language": "fr",
            "accessibility_needs": "",
        },
    )

    invitation.refresh_from_db()
    assert response.status_code == 302
    assert (invitation.status, invitation.holds_seat, invitation.comment) == (
        "sent",
        False,
        "Comes with a colleague.",
    )


def _meeting_change_data(meeting, **changes) -> dict:
    data = {
        "title": meeting.title,
        "language": meeting.language,
        "capacity": meeting.capacity or "",
        "facilitator": meeting.facilitator_id or "",
        "reminder_offsets": "[10080, 1440]",
        "agenda_items-TOTAL_FORMS": "0",
        "agenda_items-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_meeting_title_change_in_the_admin_updates_the_invitees(staff_client, superuser):
    meeting = _group_meeting_with_members("Ana")
    meeting.facilitator = superuser
    meeting.save(update_fields=["facilitator"])
    invitations_send(meeting=meeting)

    response = staff_client.post(
        _change_url(meeting),
        _meeting_change_data(meeting, title="Housing group, May (new room)", status="cancelled"),
    )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.title, meeting.status, meeting.sequence) == (
        "Housing group, May (new room)",
        "planned",
        1,
    )
    assert list(
        m.OutboundMessage.objects.order_by("id").values_list("kind", "sequence", "ical_method")
    ) == [("invitation", 0, "REQUEST"), ("update", 1, "REQUEST")]


def test_meeting_capacity_below_the_accepted_is_refused_in_the_admin(staff_client, superuser):
    meeting = RoundSessionFactory(title="Session 1", capacity=3, facilitator=superuser)
    for _ in range(2):
        InvitationFactory(meeting=meeting, status=m_enums.InvitationStatus.ACCEPTED)

    response = staff_client.post(
        _change_url(meeting), _meeting_change_data(meeting, capacity="1"), follow=True
    )

    meeting.refresh_from_db()
    assert [str(message) for message in response.context["messages"]] == [
        "2 people have already accepted: the capacity cannot be lower."
    ]
    assert meeting.capacity == 3


def test_agenda_item_change_in_the_admin_makes_a_new_agenda_version(staff_client):
    item = AgendaItemFactory(title="Welcome", position=1, meeting__title="Housing group, May")
    agenda_publish(meeting=item.meeting)

    response = staff_client.post(
        _change_url(item),
        {"title": "Welcome and introductions", "purpose": "information", "planned_minutes": "10"}
        | {"kind": "topic", "position": "7"},
    )

    item.refresh_from_db()
    item.meeting.refresh_from_db()
    assert response.status_code == 302
    assert (item.title, item.planned_minutes, item.position) == ("Welcome and introductions", 10, 1)
    assert item.meeting.agenda_version == 2


def test_agenda_inline_of_a_meeting_changes_and_deletes_items_through_the_services(
    staff_client, superuser
):
    meeting = MeetingFactory(title="Housing group, May", facilitator=superuser)
    first = AgendaItemFactory(meeting=meeting, position=1, title="Welcome")
    second = AgendaItemFactory(meeting=meeting, position=2, title="Figures")
    third = AgendaItemFactory(meeting=meeting, position=3, title="Next steps")
    agenda_publish(meeting=meeting)
    data = _meeting_change_data(
        meeting, **{"agenda_items-TOTAL_FORMS": "3", "agenda_items-INITIAL_FORMS": "3"}
    )
    for index, item in enumerate([first, second, third]):
        data |= {
            f"agenda_items-{index}-id": item.pk,
            f"agenda_items-{index}-meeting": meeting.pk,
            f"agenda_items-{index}-title": item.title,
            f"agenda_items-{index}-purpose": item.purpose,
            f"agenda_items-{index}-planned_minutes": item.planned_minutes,
            f"agenda_items-{index}-position": "9",
        }
    data["agenda_items-0-DELETE"] = "on"
    data["agenda_items-2-title"] = "Next steps and date of the next meeting"

    response = staff_client.post(_change_url(meeting), data)

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert list(meeting.agenda_items.order_by("position").values_list("position", "title")) == [
        (1, "Figures"),
        (2, "Next steps and date of the next meeting"),
    ]
    assert meeting.agenda_version == 3  # published, then one version per deletion or change


def test_a_meeting_whose_invitations_went_out_cannot_be_deleted_in_the_admin(staff_client):
    meeting = _group_meeting_with_members("Ana")
    invitations_send(meeting=meeting)

    response = staff_client.post(
        reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert m.Meeting.objects.filter(pk=meeting.pk).exists()


def test_consent_added_in_the_admin_is_given_through_the_service(staff_client, superuser):
    contact = ContactFactory()
    given_at = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    local = timezone.localtime(given_at)

    response = staff_client.post(
        reverse("admin:coordination_consent_add"),
        {
            "contact": contact.pk,
            "purpose": c_enums.ConsentPurpose.CONSULTATION_ROUNDS,
            "lawful_basis": c_enums.LawfulBasis.CONSENT,
            "source": c_enums.ConsentSource.STAFF,
            "source_detail": "By phone",
            "given_at_0": local.strftime("%Y-%m-%d"),
            "given_at_1": local.strftime("%H:%M:%S"),
        },
    )

    consent = contact.consents.get()
    assert response.status_code == 302
    assert (consent.source, consent.source_detail, consent.recorded_by, consent.given_at) == (
        "staff",
        "By phone",
        superuser,
        given_at,
    )


def test_consent_add_form_refuses_a_second_active_consent(staff_client):
    consent = ConsentFactory(contact__name="Olga", contact__organisation__name="NGO")
    local = timezone.localtime()

    response = staff_client.post(
        reverse("admin:coordination_consent_add"),
        {
            "contact": consent.contact.pk,
            "purpose": consent.purpose,
            "lawful_basis": c_enums.LawfulBasis.CONSENT,
            "source": c_enums.ConsentSource.STAFF,
            "given_at_0": local.strftime("%Y-%m-%d"),
            "given_at_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "“Olga (NGO)” already has an active consent for this purpose."
    ]
    assert list(c.Consent.objects.values_list("pk", flat=True)) == [consent.pk]


def test_a_sent_invitation_cannot_be_deleted_in_the_admin(staff_client):
    sent = InvitationFactory(status=m_enums.InvitationStatus.SENT, sent_at=timezone.now())
    drafted = InvitationFactory(status=m_enums.InvitationStatus.DRAFTED)

    refused = staff_client.post(
        reverse("admin:meetings_invitation_delete", args=[sent.pk]), {"post": "yes"}
    )
    deleted = staff_client.post(
        reverse("admin:meetings_invitation_delete", args=[drafted.pk]), {"post": "yes"}
    )

    assert refused.status_code == 403
    assert deleted.status_code == 302
    assert list(m.Invitation.objects.values_list("pk", flat=True)) == [sent.pk]


def test_every_admin_page_opens(one_of_each, staff_client, admin_request):
    statuses = {}
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{info}_changelist")]
        if model_admin.has_add_permission(admin_request):
            urls.append(reverse(f"{info}_add"))
        sample = model._default_manager.order_by("pk").first()
        if sample is not None:
            urls.append(reverse(f"{info}_change", args=[sample.pk]))
        for url in urls:
            statuses[url] = staff_client.get(url).status_code

    assert {url: status for url, status in statuses.items() if status != 200} == {}
    assert reverse("admin:meetings_invitation_changelist") in statuses
