"""The access export (GDPR art. 15 and 20) is complete: a ZIP with a README in the person's
language, the JSON of everything held about them and the files that name them, and a test that
fails when a model referencing a contact is left out."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.db.models import ForeignKey, OneToOneField
from django.urls import reverse

from coordination.models import AccessEvent, Contact
from meetings.selectors.my_data import (
    PERSONAL_DATA_EXPORT_COVERS,
    contact_personal_data_with_meetings,
)
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    ContactFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


def test_the_archive_holds_readme_json_files_and_the_article_15_information(
    client_for, participant
):
    contact = participant.contact
    contact.preferred_language = "fr"
    contact.save(update_fields=["preferred_language"])
    meeting = MeetingFactory(title="Data sharing group")
    AttendanceFactory(meeting=meeting, contact=contact)
    item = AgendaItemFactory(meeting=meeting, title="Intake", presenter=contact)
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_note_set(
        minutes=minutes, agenda_item=item, text="Participant Person presented the intake form."
    )

    response = client_for(participant).get(reverse("my-data-archive"))

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "README.txt",
        "minutes/Data-sharing-group.md",
        "personal-data.json",
    ]
    data = json.loads(archive.read("personal-data.json"))
    assert data["presented_items"] == [{"meeting": "Data sharing group", "item": "Intake"}]
    assert [m["text"] for m in data["minutes_mentions"]] == [
        "Participant Person presented the intake form."
    ]
    assert data["account"]["username"] == "participant-user"
    assert sorted(data["information"]) == [
        "controller",
        "data_protection_officer",
        "lawful_bases",
        "purposes",
        "recipients",
        "retention_days",
        "rights",
        "source",
    ]
    assert "Participant Person presented" in archive.read("minutes/Data-sharing-group.md").decode()
    assert (
        archive.read("README.txt")
        .decode()
        .startswith("Données personnelles détenues sur Participant Person")
    )  # in the person's language
    assert AccessEvent.objects.get().detail == "archive"


def test_only_the_team_downloads_another_contacts_archive(client_for, participant, team_user):
    other = ContactFactory()
    url = reverse("contact-data-archive", args=[other.pk])

    assert client_for(participant).get(url).status_code == 403
    assert client_for(team_user).get(url)["Content-Type"] == "application/zip"


def test_every_relation_to_a_contact_is_covered_by_the_access_export():
    """A new model (or field) pointing to a contact fails here until the export covers it."""
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, ForeignKey | OneToOneField)
        and field.concrete
        and field.related_model is Contact
    }
    data = contact_personal_data_with_meetings(contact=ContactFactory())

    assert found == set(PERSONAL_DATA_EXPORT_COVERS)
    assert set(PERSONAL_DATA_EXPORT_COVERS.values()) <= set(data)
