"""Each invariant of the coordination models is enforced by the database itself."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coordination import enums
from coordination.models import Consent, Contact, Membership, Organisation
from tests.factories import (
    ConsentFactory,
    ConsultationRoundFactory,
    ContactFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_organisation_name_unique_ignoring_case_accents_and_punctuation():
    OrganisationFactory(name="Société d'Accueil – Liège")

    assert_rejected(lambda: Organisation.objects.create(name="societe d accueil liege"))
    assert Organisation.objects.count() == 1


def test_organisation_name_may_not_be_blank():
    assert_rejected(lambda: Organisation.objects.create(name=" - "))


def test_contact_email_unique_ignoring_case():
    ContactFactory(email="anna@example.org")

    assert_rejected(lambda: ContactFactory(email="anna@example.org"))


def test_contact_email_must_be_stored_lowercase():
    assert_rejected(lambda: ContactFactory(email="Anna@Example.org"))


def test_contacts_without_email_may_coexist():
    ContactFactory(email=None)
    ContactFactory(email=None)

    assert Contact.objects.filter(email__isnull=True).count() == 2


def test_erased_contact_keeps_no_email_or_phone():
    contact = ContactFactory()

    def erase_keeping_email():
        Contact.objects.filter(pk=contact.pk).update(erased_at=timezone.now())

    assert_rejected(erase_keeping_email)


def test_organisation_with_contacts_cannot_be_deleted():
    contact = ContactFactory()

    with pytest.raises(Exception, match="protected"):
        contact.organisation.delete()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_one_active_consent_per_contact_and_purpose():
    consent = ConsentFactory()

    assert_rejected(lambda: ConsentFactory(contact=consent.contact, purpose=consent.purpose))


def test_a_withdrawn_consent_may_be_given_again():
    consent = ConsentFactory(withdrawn_at=timezone.now() + dt.timedelta(seconds=1))

    ConsentFactory(contact=consent.contact, purpose=consent.purpose)

    assert Consent.objects.filter(contact=consent.contact).count() == 2


def test_consent_cannot_be_withdrawn_before_it_was_given():
    now = timezone.now()

    assert_rejected(lambda: ConsentFactory(given_at=now, withdrawn_at=now - dt.timedelta(days=1)))


def test_one_current_membership_per_contact_and_group():
    membership = MembershipFactory()

    assert_rejected(lambda: MembershipFactory(group=membership.group, contact=membership.contact))


def test_membership_may_be_renewed_after_it_ended():
    membership = MembershipFactory(until=dt.date(2026, 6, 1))

    MembershipFactory(group=membership.group, contact=membership.contact, since=dt.date(2026, 7, 1))

    assert Membership.objects.filter(contact=membership.contact).count() == 2


def test_membership_cannot_end_before_it_started():
    assert_rejected(lambda: MembershipFactory(since=dt.date(2026, 5, 1), until=dt.date(2026, 4, 1)))


def test_round_capacity_must_be_positive():
    assert_rejected(lambda: ConsultationRoundFactory(capacity_per_session=0))


def test_question_numbers_unique_within_a_survey():
    from coordination.models import Question, Survey

    survey = Survey.objects.get(code="be-with-u-needs-2022")

    assert_rejected(
        lambda: Question.objects.create(
            survey=survey, number=56, section=4, kind=enums.QuestionKind.SINGLE, text={}
        )
    )
