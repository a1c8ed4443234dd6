"""The admin at the mechanism's size: a form never offers every contact as an option, its
lists cost the same queries for a few rows as for many, and a group's page grows only by
the lookup of each member."""

import factory
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    ContactFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def _queries(client, url) -> int:
    client.get(url)  # warm: what a first request caches is not the page's own work
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_attendance_form_looks_contacts_and_meetings_up_instead_of_listing_them(admin_client):
    contacts = ContactFactory.create_batch(12)
    attendance = AttendanceFactory(contact=contacts[0])
    url = reverse("admin:meetings_attendance_change", args=[attendance.pk])

    html = admin_client.get(url).content.decode()

    assert html.count('data-ajax--url="/admin/autocomplete/"') == 2
    # the contact's own list (a meeting's id may equal a contact's: ids of other tables)
    offered = BeautifulSoup(html, "html.parser").select('select[name="contact"] option')
    assert [(o["value"], o.has_attr("selected")) for o in offered] == [(str(contacts[0].pk), True)]


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("admin:meetings_invitation_changelist", InvitationFactory),
        ("admin:meetings_attendance_changelist", AttendanceFactory),
        ("admin:meetings_actionitem_changelist", ActionItemFactory),
    ],
)
def test_admin_list_queries_do_not_grow_with_its_rows(admin_client, url_name, make):
    url = reverse(url_name)
    # Each row names a contact (the action items' owner too), whose name shows its
    # organisation.
    owner = (
        {"owner_contact": factory.SubFactory(ContactFactory)} if make is ActionItemFactory else {}
    )
    make.create_batch(2, **owner)
    few = _queries(admin_client, url)
    make.create_batch(10, **owner)

    assert _queries(admin_client, url) == few


def test_working_group_page_reads_one_query_per_member_for_its_lookup_only(admin_client):
    group = WorkingGroupFactory()
    url = reverse("admin:coordination_workinggroup_change", args=[group.pk])
    MembershipFactory.create_batch(2, group=group)
    few = _queries(admin_client, url)
    MembershipFactory.create_batch(10, group=group)

    # Django's lookup widget reads the contact it shows, with its organisation, row by row;
    # nothing else grows.
    assert _queries(admin_client, url) == few + 10


def test_contacts_are_looked_up_without_their_accents(admin_client):
    helene = ContactFactory(name="Hélène Lefèvre")
    ContactFactory(name="Helga Peeters")

    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "helene lefevre",
            "app_label": "meetings",
            "model_name": "attendance",
            "field_name": "contact",
        },
    )

    assert [row["id"] for row in found.json()["results"]] == [str(helene.pk)]
