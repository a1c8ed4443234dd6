import pytest

from tests.factories import ContactFactory, InvitationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_participant_signs_in_and_sees_the_invitation_waiting_for_an_answer(page, login):
    user = UserFactory(username="anna")
    contact = ContactFactory(user=user, name="Anna Example")
    invitation = InvitationFactory(contact=contact, meeting__title="Session FR: data sharing")

    login(user)

    section = page.locator("section", has=page.locator("#invitations-heading"))
    assert section.locator("a").all_inner_texts() == [invitation.meeting.title]
    assert page.locator("h1").inner_text() == "Welcome, Anna Example"
