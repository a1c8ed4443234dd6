"""Every door to personal data is in the audit trail: each API list and detail route that
returns contacts, their needs, attendance, action items with owners or time-poll answers, and
each admin page of a model that references a contact, and each page that shows e-mail
addresses (volunteer pool, working group, outbox, a meeting's delegation requests) records
one access event with its door ("api", "admin", "page", "command"), the contact by id, and no
e-mail address."""

import datetime as dt
import io
import zipfile

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import models as db_models
from django.urls import reverse
from django.utils import timezone

from coordination import models as c
from coordination.admin import PersonalDataAdminMixin
from coordination.api.urls import router as coordination_router
from coordination.api.views import AccessRecordedMixin
from meetings import models as m
from meetings.api.urls import router as meetings_router
from meetings.services import invitations, polls
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundSessionFactory,
    UserFactory,
    volunteers_with_one_invitee_of,
)

pytestmark = pytest.mark.django_db

EMAIL = "olga.ivanova@ngo.be"


@pytest.fixture
def person(team_user):
    """One contact, named by every kind of record, and the only contact there is."""
    organisation = OrganisationFactory(name="Atlas Aid")
    contact = ContactFactory(organisation=organisation, name="Olga Ivanova", email=EMAIL)
    ConsentFactory(contact=contact, purpose="working_group")
    membership = MembershipFactory(contact=contact)
    meeting = MeetingFactory(working_group=membership.group)
    invitation = InvitationFactory(
        meeting=meeting, contact=contact, status="accepted", accessibility_needs="Step-free"
    )
    attendance = AttendanceFactory(meeting=meeting, contact=contact, status="present")
    action = ActionItemFactory(origin_meeting=meeting, owner_contact=contact)
    item = AgendaItemFactory(meeting=meeting, position=1, presenter=contact)
    response = c.SurveyResponse.objects.create(
        survey=c.Survey.objects.first(),
        organisation=organisation,
        contact=contact,
        answers={"56": "yes"},
    )
    session = RoundSessionFactory()
    polled = InvitationFactory(meeting=session, contact=contact, status="drafted")
    base = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    polls.time_poll_create(
        meeting=session,
        slots=[(base + dt.timedelta(days=10), base + dt.timedelta(days=10, hours=3))],
        deadline=base + dt.timedelta(days=5),
        by=team_user,
    )
    assert c.Contact.objects.count() == 1
    return {
        "contact": contact,
        "organisation": organisation,
        "group": membership.group,
        "membership": membership,
        "consent": contact.consents.get(),
        "invitation": invitation,
        "polled": polled,
        "attendance": attendance,
        "action": action,
        "item": item,
        "response": response,
        "session": session,
        "message": m.OutboundMessage.objects.get(invitation=polled),
    }


def trail():
    return list(
        c.AccessEvent.objects.order_by("id").values_list("action", "door", "contact_id_ref")
    )


def assert_no_email_in_trail():
    for row in c.AccessEvent.objects.values():
        assert EMAIL not in str(row)


# --- API ----------------------------------------------------------------------------------

API_ROUTES = [
    ("api-organisation-list", (), "list_exported"),
    ("api-organisation-detail", ("organisation",), "contact_details_viewed"),
    ("api-working-group-list", (), "list_exported"),
    ("api-working-group-detail", ("group",), "contact_details_viewed"),
    ("api-action-item-list", (), "list_exported"),
    ("api-action-item-detail", ("action",), "contact_details_viewed"),
    ("api-time-poll", ("session",), "list_exported"),
]


@pytest.mark.parametrize(("name", "args", "action"), API_ROUTES)
def test_each_api_route_with_personal_data_records_one_access(
    client_for, team_user, person, name, args, action
):
    c.AccessEvent.objects.all().delete()
    url = reverse(name, args=[person[a].pk for a in args])

    response = client_for(team_user).get(url)

    assert response.status_code == 200
    assert trail() == [(action, "api", person["contact"].pk)]
    assert_no_email_in_trail()


def test_volunteer_pool_api_records_the_list_it_returned(client_for, team_user):
    client_for(team_user).get(reverse("api-volunteer-pool-list"))

    assert trail() == [("list_exported", "api", None)]


def test_volunteer_pool_api_records_the_contacts_whose_e_mail_it_returned(client_for, facilitator):
    invitee = volunteers_with_one_invitee_of(facilitator)

    answer = client_for(facilitator).get(reverse("api-volunteer-pool-list"))

    emails = [row["contact"]["email"] for row in answer.json()["results"]]
    assert emails == [None, invitee.email, None]
    assert trail() == [("list_exported", "api", invitee.pk)]


def test_an_api_answer_that_names_nobody_is_not_recorded(client_for, team_user):
    OrganisationFactory()

    response = client_for(team_user).get(reverse("api-organisation-list"))

    assert response.json()["count"] == 1
    assert trail() == []


# The viewsets that return nothing about a person; every other one must record its accesses.
VIEWSETS_WITHOUT_PERSONAL_DATA = {
    "ConsultationRoundViewSet",  # titles, facilitators' names (the team's own log-ins)
    "MeetingViewSet",
    "MyInvitationViewSet",  # the user's own invitations, needs never shown back
    "AgendaItemViewSet",
    "AgendaViewSet",
    "MinutesViewSet",
    "VolunteerPoolViewSet",  # recorded by its own list (above)
    "VolunteerWithoutContactViewSet",  # organisations only
}


def test_every_api_viewset_records_its_accesses_or_returns_no_personal_data():
    viewsets = {
        viewset.__name__: viewset
        for router in (coordination_router, meetings_router)
        for _prefix, viewset, _basename in router.registry
    }

    unrecorded = sorted(
        name
        for name, viewset in viewsets.items()
        if not issubclass(viewset, AccessRecordedMixin)
        and name not in VIEWSETS_WITHOUT_PERSONAL_DATA
    )

    assert unrecorded == []


# --- Pages --------------------------------------------------------------------------------


def test_volunteer_pool_page_records_the_contacts_whose_e_mail_it_shows(
    client_for, team_user, facilitator
):
    invitee = volunteers_with_one_invitee_of(facilitator)
    pool = sorted(c.Contact.objects.filter(consents__isnull=False).values_list("pk", flat=True))

    client_for(facilitator).get(reverse("volunteer-pool"))
    seen_by_facilitator = trail()
    c.AccessEvent.objects.all().delete()
    client_for(team_user).get(reverse("volunteer-pool"))

    assert seen_by_facilitator == [("contact_details_viewed", "page", invitee.pk)]
    assert trail() == [("contact_details_viewed", "page", pk) for pk in pool]
    assert len(pool) == 3


def test_working_group_page_records_the_members_whose_e_mail_it_shows(client_for, team_user):
    group = MembershipFactory(contact=ContactFactory(email=EMAIL)).group
    with_email = group.memberships.get().contact
    MembershipFactory(group=group, contact=ContactFactory(email=None))
    ended = MembershipFactory(group=group, contact=ContactFactory())
    ended.until = ended.since
    ended.save(update_fields=["until"])

    page = client_for(team_user).get(reverse("working-group-detail", args=[group.pk]))

    assert page.status_code == 200
    assert EMAIL in page.content.decode()
    assert trail() == [("contact_details_viewed", "page", with_email.pk)]
    assert c.AccessEvent.objects.get().detail == f"working group {group.pk}"


def test_working_group_page_records_nothing_when_it_hides_every_address(client_for, facilitator):
    group = MembershipFactory(contact=ContactFactory(email=EMAIL)).group

    page = client_for(facilitator).get(reverse("working-group-detail", args=[group.pk]))

    assert page.status_code == 200
    assert EMAIL not in page.content.decode()
    assert trail() == []


def test_outbox_page_records_the_contacts_whose_addresses_it_lists(client_for, team_user, person):
    message = person["message"]
    m.OutboundMessage.objects.filter(pk=message.pk).update(status="failed", attempts=70)
    m.OutboundMessage.objects.create(
        invitation=person["invitation"],
        kind=message.kind,
        sequence=1,
        to_email="delegate@elsewhere.org",
        language="en",
        subject="Invitation",
        body_text="Invitation",
        body_html="<p>Invitation</p>",
        next_attempt_at=timezone.now(),
        status="failed",
        attempts=70,
    )
    c.AccessEvent.objects.all().delete()

    page = client_for(team_user).get(reverse("outbox"))

    assert page.status_code == 200
    assert EMAIL in page.content.decode()
    assert list(c.AccessEvent.objects.values_list("action", "contact_id_ref", "detail")) == [
        ("contact_details_viewed", person["contact"].pk, "outbox")
    ]


def test_outbox_page_with_nothing_to_show_records_nothing(client_for, team_user, person):
    c.AccessEvent.objects.all().delete()

    client_for(team_user).get(reverse("outbox"))

    assert trail() == []


def test_invitation_page_records_the_outside_addresses_of_delegation_requests(
    client_for, team_user
):
    invitation = InvitationFactory(meeting=RoundSessionFactory(), status="accepted")
    request = invitations.invitation_delegation_request(
        invitation=invitation, name="Private Person", email="someone@gmail.com"
    ).request
    path = reverse("meeting-invitations", args=[invitation.meeting_id])
    client = client_for(team_user)

    page = client.get(path)
    seen = list(
        c.AccessEvent.objects.values_list("action", "door", "contact_id_ref", "count", "detail")
    )
    c.AccessEvent.objects.all().delete()
    invitations.delegation_request_decide(request=request, approve=False, by=team_user)
    client.get(path)

    assert "someone@gmail.com" in page.content.decode()
    assert seen == [
        (
            "contact_details_viewed",
            "page",
            None,
            1,
            f"meeting {invitation.meeting_id} delegation requests",
        )
    ]
    assert trail() == []  # no request waiting: no outside address shown


# --- Admin --------------------------------------------------------------------------------

ADMIN_PAGES = [
    (c.Contact, "contact", "contact_details_viewed"),
    (c.Organisation, "organisation", "contact_details_viewed"),
    (c.Consent, "consent", "contact_details_viewed"),
    (c.SurveyResponse, "response", "contact_details_viewed"),
    (c.Membership, "membership", "contact_details_viewed"),
    (c.WorkingGroup, "group", "contact_details_viewed"),
    (m.Invitation, "invitation", "needs_viewed"),
    (m.Attendance, "attendance", "contact_details_viewed"),
    (m.ActionItem, "action", "contact_details_viewed"),
    (m.AgendaItem, "item", "contact_details_viewed"),
    (m.OutboundMessage, "message", "contact_details_viewed"),
]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "key", "action"), ADMIN_PAGES)
def test_each_admin_change_page_of_personal_data_records_one_access(
    client_for, superuser, person, model, key, action
):
    c.AccessEvent.objects.all().delete()

    response = client_for(superuser).get(admin_url(model, "change", person[key].pk))

    assert response.status_code == 200
    assert trail() == [(action, "admin", person["contact"].pk)]
    assert_no_email_in_trail()


@pytest.mark.parametrize(
    ("model", "recorded"),
    [(model, model not in (c.Organisation, c.WorkingGroup)) for model, _k, _a in ADMIN_PAGES],
)
def test_each_admin_list_naming_a_contact_records_one_access(
    client_for, superuser, person, model, recorded
):
    c.AccessEvent.objects.all().delete()

    response = client_for(superuser).get(admin_url(model, "changelist"))

    assert response.status_code == 200
    expected = [("list_exported", "admin", person["contact"].pk)] if recorded else []
    assert trail() == expected
    assert_no_email_in_trail()


def _references_a_contact(model) -> bool:
    if model is c.Contact:
        return True
    return any(
        isinstance(field, db_models.ForeignKey) and field.related_model is c.Contact
        for field in model._meta.get_fields()
    )


# Admin pages of models that reference a contact but show nothing about them beyond a name
# already recorded elsewhere.
ADMINS_WITHOUT_PERSONAL_DATA = {"ErasureRecord"}  # the pseudonym only


def test_every_admin_of_a_model_referencing_a_contact_records_its_pages():
    forgotten = sorted(
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if _references_a_contact(model)
        and not isinstance(model_admin, PersonalDataAdminMixin)
        and model.__name__ not in ADMINS_WITHOUT_PERSONAL_DATA
    )

    assert forgotten == []


# --- Commands -----------------------------------------------------------------------------


def test_exporting_a_contacts_data_from_the_command_line_is_recorded(person, tmp_path):
    c.AccessEvent.objects.all().delete()
    target = tmp_path / "olga.zip"
    out = io.StringIO()

    call_command("export_personal_data", str(person["contact"].pk), str(target), stdout=out)

    with zipfile.ZipFile(target) as archive:
        assert "personal-data.json" in archive.namelist()
        assert EMAIL in archive.read("personal-data.json").decode()
    assert out.getvalue() == (
        f"Personal data of contact #{person['contact'].pk} written to {target}.\n"
    )
    assert trail() == [("personal_data_downloaded", "command", person["contact"].pk)]
    assert_no_email_in_trail()


# --- Pages and the report back --------------------------------------------------------------


def test_exporting_the_volunteer_pool_from_its_page_is_recorded(client_for, team_user):
    from tests.meetings.test_volunteer_pool import volunteer

    _organisation, contact = volunteer("Atlas Aid")
    contact.email = EMAIL
    contact.save(update_fields=["email"])

    response = client_for(team_user).get(reverse("volunteer-pool"), {"export": "csv"})

    assert EMAIL in response.content.decode()
    assert trail() == [("list_exported", "page", contact.pk)]
    assert c.AccessEvent.objects.get().detail == "volunteer pool (csv)"
    assert_no_email_in_trail()


def test_reading_the_report_back_through_the_api_is_recorded(monkeypatch, client_for):
    from meetings.formats import report as render
    from meetings.services import report_back as report_back_services
    from tests.meetings.test_report_back import build_round_with_final_report

    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")
    report, facilitator, people = build_round_with_final_report()
    back = report_back_services.report_back_send(report=report, text="Thank you.", by=facilitator)
    report_back_services.report_back_deliver(report_back_id=back.pk)
    c.AccessEvent.objects.all().delete()

    response = client_for(facilitator).get(
        reverse("api-report-back", args=[str(report.consultation_round_id)])
    )

    assert response.status_code == 200
    received = sorted(people[k].contact_id for k in ("atlas", "beacon", "cedar"))
    assert sorted(trail()) == [("list_exported", "api", pk) for pk in received]
