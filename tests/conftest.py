import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections
from django.test import Client
from django.utils import timezone, translation
from pytest_django.plugin import blocking_manager_key

from tests.factories import ContactFactory, TeamUserFactory, UserFactory


@pytest.fixture(autouse=True)
def default_language_and_time_zone():
    """Every test starts, and leaves the worker, in the default language and time zone: a
    request or a service that activates a user's language must not decide the next test's."""
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
    yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


# What the migrations wrote (the questionnaire, the task schedules), saved when the test
# database was created: pytest-django saves it because the transactional tests are marked
# ``serialized_rollback=True``. Kept here too, since a browser test's greenlets see
# connection objects of their own, without it.
MIGRATED_CONTENTS: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            MIGRATED_CONTENTS[connection.alias] = contents


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (a live server, a browser, a real worker) ends by emptying the
    database; the migrations' contents are loaded again afterwards, so that the next test
    finds them whatever the order."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    if not transactional or nextitem is None:
        return  # after the last test the test databases themselves are gone
    with item.config.stash[blocking_manager_key].unblock():
        for alias, contents in MIGRATED_CONTENTS.items():
            # Empty first: the flush may have re-created content types and permissions.
            call_command(
                "flush", database=alias, interactive=False, inhibit_post_migrate=True, verbosity=0
            )
            connection = connections[alias]
            connection.creation.deserialize_db_from_string(contents)
            # The flush restarted the id sequences at 1 and the contents came back with
            # their ids: move each sequence past them (PostgreSQL; SQLite needs nothing).
            statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


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
