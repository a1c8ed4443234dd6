"""The audit trail: every access to personal data through one service (who, when, what, door,
contact id), model changes through django-auditlog, a team page with filters and a CSV export,
and its own retention."""

import datetime as dt

import pytest
from auditlog.models import LogEntry as ChangeEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from coordination.models import AccessEvent, Contact
from coordination.services import (
    access_record,
    audit_trail_purge,
    consent_link_token,
    consent_withdraw,
    contact_erase,
)
from tests.factories import (
    ActionItemFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def trail():
    return [
        (e.actor.username if e.actor else None, e.action, e.door, e.contact_id_ref, e.detail)
        for e in AccessEvent.objects.order_by("id")
    ]


def test_team_download_of_a_contacts_data_is_recorded(client_for, team_user):
    contact = ContactFactory()

    client_for(team_user).get(reverse("contact-data-download", args=[contact.pk]))

    assert trail() == [("team-member", "personal_data_downloaded", "page", contact.pk, "")]


def test_viewing_an_organisations_contact_details_is_recorded(client_for, team_user):
    organisation = OrganisationFactory()
    first, second = (
        ContactFactory(organisation=organisation),
        ContactFactory(organisation=organisation),
    )

    client_for(team_user).get(reverse("organisation-detail", args=[organisation.pk]))

    detail = f"organisation {organisation.pk}"
    assert sorted(trail()) == sorted(
        [
            ("team-member", "contact_details_viewed", "page", first.pk, detail),
            ("team-member", "contact_details_viewed", "page", second.pk, detail),
        ]
    )


def test_viewing_participation_needs_is_recorded(client_for, team_user):
    invitation = InvitationFactory(accessibility_needs="Step-free access")
    InvitationFactory(meeting=invitation.meeting)  # no needs: nothing recorded about them

    client_for(team_user).get(reverse("meeting-invitations", args=[invitation.meeting.pk]))

    assert trail() == [
        (
            "team-member",
            "needs_viewed",
            "page",
            invitation.contact_id,
            f"meeting {invitation.meeting.pk}",
        )
    ]


def test_exporting_action_items_is_recorded_with_the_contacts_named(client_for, team_user):
    action = ActionItemFactory(owner_contact=ContactFactory())

    client_for(team_user).get(reverse("action-export", args=["csv"]))

    event = AccessEvent.objects.get()
    assert (event.action, event.contact_id_ref, event.detail, event.count) == (
        "list_exported",
        action.owner_contact_id,
        "action items (csv)",
        1,
    )


def test_consent_changes_and_erasures_are_recorded_with_their_door(client, team_user):
    contact = ContactFactory(email="olga@ngo.be")
    ConsentFactory(contact=contact, purpose="working_group")
    url = reverse("consents-page", args=[consent_link_token(contact=contact)])

    client.post(url, {"action": "withdraw", "purpose": "working_group"})
    client.post(url, {"action": "give", "purpose": "working_group"})
    contact_erase(contact=contact, by=team_user, door="admin")

    pseudonym = Contact.objects.get().erasure.pseudonym
    assert trail() == [
        (None, "consent_withdrawn", "page", contact.pk, "working_group"),
        (None, "consent_given", "page", contact.pk, "working_group (consent, web_form)"),
        ("team-member", "erased", "admin", contact.pk, pseudonym),
    ]


def test_model_changes_are_kept_with_email_and_phone_masked():
    contact = ContactFactory(name="Olga Ivanova", email="olga@ngo.be", phone="+32 2 123 45 67")

    contact.function = "Coordinator"
    contact.save(update_fields=["function"])

    entries = ChangeEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), object_pk=str(contact.pk)
    ).order_by("timestamp", "id")
    assert [e.action for e in entries] == [ChangeEntry.Action.CREATE, ChangeEntry.Action.UPDATE]
    assert entries[1].changes == {"function": ["", "Coordinator"]}
    created = str(entries[0].changes)
    assert ("olga@ngo.be" in created, "123 45 67" in created, "Olga Ivanova" in created) == (
        False,
        False,
        True,
    )


def test_audit_trail_page_filters_and_exports(client_for, team_user):
    contact = ContactFactory()
    access_record(actor=team_user, action="erased", door="command", contacts=[contact])
    access_record(actor=team_user, action="list_exported", door="api", detail="pool", count=4)
    client = client_for(team_user)

    page = client.get(reverse("audit-trail"), {"door": "api"})
    export = client.get(reverse("audit-trail"), {"contact": contact.pk, "format": "csv"})
    refused = client.get(reverse("audit-trail"), {"since": "yesterday"})

    assert [(e.action, label) for e, label in page.context["rows"]] == [("list_exported", "")]
    lines = export.content.decode().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(
        f'"Personal data erased","Command","#{contact.pk} {contact.name}","",""'
    )
    assert AccessEvent.objects.filter(action="trail_exported").count() == 1
    assert refused.status_code == 400


def test_audit_trail_page_is_for_the_team_only(client_for, facilitator):
    assert client_for(facilitator).get(reverse("audit-trail")).status_code == 403


def test_audit_trail_has_its_own_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    contact = ContactFactory()
    consent_withdraw(contact=ConsentFactory(contact=contact).contact, purpose="consultation_rounds")
    old = AccessEvent.objects.get()
    AccessEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=31))
    ChangeEntry.objects.update(timestamp=timezone.now() - dt.timedelta(days=31))
    access_record(actor=None, action="erased", door="task", contacts=[contact])

    removed = audit_trail_purge()

    assert removed["access_events"] == 1
    assert removed["model_changes"] >= 2
    assert list(AccessEvent.objects.values_list("action", flat=True)) == ["erased"]
    assert ChangeEntry.objects.count() == 0


def test_reading_the_volunteer_pool_through_the_api_is_recorded(client_for, team_user):
    client_for(team_user).get("/api/volunteer-pool/")

    assert trail() == [("team-member", "list_exported", "api", None, "volunteer pool")]
