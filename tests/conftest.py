import pytest
from django.test import Client

from tests.factories import ContactFactory, TeamUserFactory, UserFactory


@pytest.fixture
def team_user(db):
    return TeamUserFactory(username="team-member")


@pytest.fixture
def facilitator(db):
    return UserFactory(username="facilitator-user", facilitator=True)


@pytest.fixture
def participant(db):
    user = UserFactory(username="participant-user")
    ContactFactory(user=user, name="Participant Person", email="participant@example.org")
    return user


@pytest.fixture
def client_for():
    """A logged-in test client for a user: ``client_for(user)``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
