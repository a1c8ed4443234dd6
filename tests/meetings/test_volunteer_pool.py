import datetime as dt

import pytest
from django.utils import timezone

from coordination.models import Survey, SurveyResponse
from coordination.selectors import (
    needs_assessment_survey,
    pool_contacts,
    volunteer_pool,
    volunteer_pool_by_name,
    volunteer_pool_counts,
    volunteers_without_contact,
)
from coordination.services import consent_withdraw
from meetings.models import Attendance
from meetings.selectors.panels import volunteer_pool_candidates, volunteer_pool_with_load
from tests.factories import (
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    OrganisationFactory,
    RoundSessionFactory,
)

pytestmark = pytest.mark.django_db


def volunteer(name="Volunteer", *, consent=True, answers=None, **org_kwargs):
    organisation = OrganisationFactory(name=name, **org_kwargs)
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=organisation,
        form_language="fr",
        answers={"q56": "yes", **(answers or {})},
    )
    contact = ContactFactory(organisation=organisation)
    if consent:
        ConsentFactory(contact=contact)
    return organisation, contact


def test_volunteer_pool_lists_only_volunteers_with_a_consenting_active_contact():
    _in_pool, contact = volunteer("In pool")
    volunteer("No consent", consent=False)
    _inactive, inactive_contact = volunteer("Inactive contact")
    inactive_contact.is_active = False
    inactive_contact.save(update_fields=["is_active"])
    declined = OrganisationFactory(name="Said no")
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=declined,
        form_language="nl",
        answers={"q56": "no"},
    )
    ConsentFactory(contact=ContactFactory(organisation=declined))

    pool = list(volunteer_pool())

    assert [o.name for o in pool] == ["In pool"]
    assert pool_contacts(pool) == {pool[0].pk: contact}
    assert [o.name for o in volunteers_without_contact()] == ["Inactive contact", "No consent"]
    assert volunteer_pool_counts() == (1, 2)


def test_volunteer_pool_counts_follow_the_filters_and_count_each_organisation_once():
    french, _contact = volunteer("French", working_languages=["fr"], answers={"q39": "yes"})
    volunteer("Dutch", working_languages=["nl"], answers={"q39": "yes"})
    volunteer("French, no consent", consent=False, working_languages=["fr"])
    SurveyResponse.objects.create(  # a response of the same organisation to another survey
        survey=Survey.objects.create(code="follow-up", title="Follow-up"),
        organisation=french,
        form_language="nl",
        answers={"q56": "yes", "q39": "yes"},
    )

    assert volunteer_pool_counts(filters={"working_language": "fr"}) == (1, 1)
    assert volunteer_pool_counts(filters={"shares_data": "yes"}) == (2, 0)
    assert [o.name for o in volunteer_pool(filters={"shares_data": "yes"})] == ["Dutch", "French"]
    assert [o.name for o in volunteer_pool_by_name(filters={"shares_data": "yes"})] == [
        "Dutch",
        "French",
    ]


def test_volunteer_pool_withdrawn_consent_removes_at_once():
    _organisation, contact = volunteer("Leaving")

    consent_withdraw(contact=contact, purpose="consultation_rounds")

    assert list(volunteer_pool()) == []
    assert [o.name for o in volunteers_without_contact()] == ["Leaving"]


def test_volunteer_pool_filters_by_attributes_and_answers():
    volunteer("French NGO", working_languages=["fr"], answers={"q39": "yes", "q50": "yes"})
    volunteer("Dutch city", working_languages=["nl"], areas=["flemish"], answers={"q39": "no"})

    assert [o.name for o in volunteer_pool(filters={"working_language": "nl"})] == ["Dutch city"]
    assert [o.name for o in volunteer_pool(filters={"area": "flemish"})] == ["Dutch city"]
    assert [o.name for o in volunteer_pool(filters={"shares_data": "yes"})] == ["French NGO"]
    assert [o.name for o in volunteer_pool(filters={"meeting_interest": "yes"})] == ["French NGO"]
    assert [o.name for o in volunteer_pool(filters={"support_role": "secondary"})] == []


def test_volunteer_pool_counts_consultation_load_of_the_last_twelve_months():
    organisation, contact = volunteer("Busy")
    colleague = ContactFactory(organisation=organisation)
    now = timezone.now()
    recent = RoundSessionFactory(starts_at=now - dt.timedelta(days=30))
    same_round = RoundSessionFactory(
        consultation_round=recent.consultation_round, starts_at=now - dt.timedelta(days=20)
    )
    old = RoundSessionFactory(starts_at=now - dt.timedelta(days=400))
    group_meeting = MeetingFactory(starts_at=now - dt.timedelta(days=10))
    InvitationFactory(meeting=recent, contact=contact, status="accepted")
    InvitationFactory(meeting=same_round, contact=colleague, status="declined")
    InvitationFactory(meeting=old, contact=contact, status="accepted")
    InvitationFactory(meeting=RoundSessionFactory(), contact=contact, status="drafted")
    Attendance.objects.create(meeting=recent, contact=contact, status="present")
    Attendance.objects.create(meeting=group_meeting, contact=contact, status="present")

    busy = volunteer_pool_with_load().get()

    assert (busy.rounds_invited, busy.meetings_invited, busy.meetings_attended) == (1, 2, 2)
    assert busy.load == 2


def test_volunteer_pool_candidates_carry_attributes_and_load():
    organisation, contact = volunteer(
        "Candidate", working_languages=["nl", "fr"], areas=["flemish"], kind="local"
    )

    (candidate,) = volunteer_pool_candidates()

    assert candidate.organisation_id == organisation.pk
    assert candidate.contact_id == contact.pk
    assert candidate.value("working_language") == "fr+nl"
    assert candidate.value("kind") == "local"
    assert candidate.load == 0


def test_volunteer_without_contact_joins_the_pool_once_a_consenting_contact_exists():
    organisation = OrganisationFactory(name="Anonymous volunteer")
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=organisation,
        form_language="fr",
        answers={"q56": "yes"},
    )
    before = [o.name for o in volunteers_without_contact()]

    consent = ConsentFactory(contact=ContactFactory(organisation=organisation))

    assert before == ["Anonymous volunteer"]
    assert [o.name for o in volunteer_pool()] == ["Anonymous volunteer"]
    assert list(volunteers_without_contact()) == []
    assert pool_contacts(list(volunteer_pool())) == {organisation.pk: consent.contact}


def test_survey_response_volunteers_column_follows_the_q56_answer():
    yes = SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=OrganisationFactory(name="Yes"),
        form_language="fr",
        answers={"q56": "yes"},
    )
    unanswered = SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=OrganisationFactory(name="Unanswered"),
        form_language="nl",
        answers={"q3": ["fr"]},
    )
    yes.answers = {"q56": "no"}
    yes.save(update_fields=["answers"])
    unanswered.answers = {"q56": "yes"}
    unanswered.save(update_fields=["answers"])

    volunteers = dict(SurveyResponse.objects.values_list("organisation__name", "volunteers"))

    assert volunteers == {"Yes": False, "Unanswered": True}


def test_volunteer_pool_by_name_pages_the_same_organisations_as_the_pool():
    volunteer("Bravo")
    volunteer("Alpha")
    volunteer("No consent", consent=False)
    volunteer("Charlie", working_languages=["nl"])
    said_no = OrganisationFactory(name="Aardvark")
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=said_no,
        form_language="nl",
        answers={"q56": "no"},
    )
    ConsentFactory(contact=ContactFactory(organisation=said_no))

    by_name = [o.name for o in volunteer_pool_by_name()]
    filtered = [o.name for o in volunteer_pool_by_name(filters={"working_language": "nl"})]

    assert by_name == ["Alpha", "Bravo", "Charlie"]
    assert by_name == [o.name for o in volunteer_pool()]
    assert filtered == ["Charlie"]
