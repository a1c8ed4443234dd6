import pytest
from django.core.exceptions import ValidationError

from coordination import enums
from coordination.models import Consent, ConsultationRound, Contact
from coordination.services import (
    consent_give,
    consent_withdraw,
    contact_erase,
    questionnaire_load,
    round_status_change,
)
from tests.factories import (
    ConsentFactory,
    ConsultationRoundFactory,
    ContactFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_consent_give_keeps_an_existing_active_consent():
    consent = ConsentFactory()

    again = consent_give(
        contact=consent.contact, purpose=consent.purpose, source=enums.ConsentSource.WEB_FORM
    )

    assert again == consent
    assert Consent.objects.filter(contact=consent.contact).count() == 1


def test_consent_withdraw_takes_effect_once():
    consent = ConsentFactory()

    first = consent_withdraw(contact=consent.contact, purpose=consent.purpose)
    second = consent_withdraw(contact=consent.contact, purpose=consent.purpose)

    consent.refresh_from_db()
    assert (first, second) == (1, 0)
    assert consent.withdrawn_at is not None


def test_contact_erase_removes_personal_data_and_keeps_the_organisation_history():
    user = UserFactory(email="anna@example.org", first_name="Anna")
    contact = ContactFactory(user=user, name="Anna Example", email="anna@example.org")
    ConsentFactory(contact=contact)

    contact_erase(contact=contact)

    contact.refresh_from_db()
    user.refresh_from_db()
    assert contact.name == f"Erased contact #{contact.pk}"
    assert (contact.email, contact.phone, contact.user, contact.is_active) == (
        None,
        "",
        None,
        False,
    )
    assert contact.erased_at is not None
    assert not contact.consents.filter(withdrawn_at__isnull=True).exists()
    assert (user.is_active, user.email, user.first_name) == (False, "", "")
    assert Contact.objects.filter(organisation=contact.organisation).count() == 1


def test_round_status_follows_the_workflow():
    round_ = ConsultationRoundFactory()

    round_status_change(consultation_round=round_, to=enums.RoundStatus.PANEL_DRAWN)

    assert ConsultationRound.objects.get(pk=round_.pk).status == "panel_drawn"


def test_round_status_cannot_skip_steps():
    round_ = ConsultationRoundFactory()

    with pytest.raises(ValidationError) as error:
        round_status_change(consultation_round=round_, to=enums.RoundStatus.CLOSED)

    assert error.value.messages == ["A round cannot go from “Draft” to “Closed”."]
    assert ConsultationRound.objects.get(pk=round_.pk).status == "draft"


def test_questionnaire_load_is_idempotent():
    from coordination.models import Question

    before = list(Question.objects.values_list("pk", "number"))

    questionnaire_load()

    assert list(Question.objects.values_list("pk", "number")) == before
    assert len(before) == 57
