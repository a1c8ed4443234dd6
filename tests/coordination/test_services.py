import pytest
from auditlog.models import LogEntry as ChangeEntry
from django.core.exceptions import ValidationError

from coordination import enums
from coordination.models import REVOKED_FEED_PREFIX, Consent, ConsultationRound, Contact
from coordination.services import (
    consent_give,
    consent_withdraw,
    contact_erase,
    questionnaire_load,
    round_status_change,
    user_calendar_token_renew,
    user_calendar_token_revoke,
    user_language_set,
    user_time_zone_set,
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
    assert contact.name == f"Participant {contact.erasure.pk}"
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


def test_user_language_set_stores_the_preference():
    user = UserFactory()

    user_language_set(user=user, language="de")

    assert type(user).objects.get(pk=user.pk).preferred_language == "de"


def test_user_language_set_carries_the_choice_to_the_contact_behind_the_log_in():
    contact = ContactFactory(user=UserFactory(), preferred_language="fr")

    user_language_set(user=contact.user, language="nl")

    contact.refresh_from_db()
    change = ChangeEntry.objects.get_for_object(contact).get(action=ChangeEntry.Action.UPDATE)
    assert contact.preferred_language == "nl"
    assert change.changes_dict == {"preferred_language": ["fr", "nl"]}


def test_user_language_set_refuses_a_language_the_site_does_not_speak():
    user = UserFactory(preferred_language="fr")

    with pytest.raises(ValidationError) as error:
        user_language_set(user=user, language="uk")

    assert error.value.message_dict == {
        "preferred_language": ["“uk” is not a language of this site (choose from en, fr, nl, de)."]
    }
    assert error.value.error_dict["preferred_language"][0].code == "unknown_language"
    assert type(user).objects.get(pk=user.pk).preferred_language == "fr"


def test_user_time_zone_set_stores_a_known_zone():
    user = UserFactory()

    user_time_zone_set(user=user, time_zone="Europe/Kyiv")

    assert type(user).objects.get(pk=user.pk).time_zone == "Europe/Kyiv"


def test_user_time_zone_set_refuses_an_unknown_zone():
    user = UserFactory()

    with pytest.raises(ValidationError) as error:
        user_time_zone_set(user=user, time_zone="Europe/Atlantis")

    assert error.value.message_dict == {
        "time_zone": ["“Europe/Atlantis” is not a known time zone (e.g. Europe/Brussels)."]
    }
    assert error.value.error_dict["time_zone"][0].code == "unknown_time_zone"
    assert type(user).objects.get(pk=user.pk).time_zone == "Europe/Brussels"


def test_user_calendar_token_renew_gives_a_fresh_active_token():
    user = UserFactory()
    old = user.calendar_token

    user_calendar_token_renew(user=user)

    stored = type(user).objects.get(pk=user.pk)
    assert stored.calendar_token == user.calendar_token
    assert stored.calendar_token != old
    assert stored.calendar_feed_active is True


def test_user_calendar_token_revoke_switches_the_feed_off_until_renewed():
    user = UserFactory()
    old = user.calendar_token

    user_calendar_token_revoke(user=user)
    revoked = type(user).objects.get(pk=user.pk)
    user_calendar_token_renew(user=user)
    renewed = type(user).objects.get(pk=user.pk)

    assert revoked.calendar_token.startswith(REVOKED_FEED_PREFIX)
    assert revoked.calendar_token[len(REVOKED_FEED_PREFIX) :] != old
    assert revoked.calendar_feed_active is False
    assert renewed.calendar_feed_active is True
