"""Property-based API check (schemathesis) of every API operation: no 5xx, and responses
whose status code, content type and body the OpenAPI schema documents (errors included), for
a team member with some data in place."""

import datetime as dt
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def django_settings(settings):
    return settings


def make_data() -> str:
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from coordination.services import questionnaire_load
    from meetings.services import actions, agendas
    from meetings.services import minutes as minutes_services
    from tests.factories import (
        ContactFactory,
        InvitationFactory,
        MeetingFactory,
        TeamUserFactory,
        make_volunteers,
    )

    # The questionnaire comes from a data migration, which an earlier transactional test may
    # have flushed.
    questionnaire_load()
    user = TeamUserFactory(username="schema-team")
    meeting = MeetingFactory()
    InvitationFactory(contact=ContactFactory(user=user))
    make_volunteers(2)
    agendas.agenda_from_template(meeting=meeting, template="working_group")
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=3)
    )
    actions.action_item_create(meeting=meeting, description="x", owner_contact=ContactFactory())
    return Token.objects.create(user=user).key


def test_every_api_operation_conforms_to_its_schema(django_settings):
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    django_settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # a 5xx shows its traceback
    token = make_data()
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    failures = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6")),
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
            try:
                response = case.call(app=app)
            except Exception as error:
                raise AssertionError(f"{case.method} {case.path} {case.query}: {error}") from None
            assert response.status_code < 500, (case.operation.label, response.text[:300])
            case.validate_response(
                response,
                checks=[
                    checks.status_code_conformance,
                    checks.content_type_conformance,
                    checks.response_schema_conformance,
                ],
            )

        try:
            check()
        except BaseException as error:  # collect every failing operation, then report them all
            failures.append(f"{operation.label}: {str(error)[:600]}")

    assert len(operations) == 61  # every operation of both apps' API
    assert failures == [], "\n\n".join(failures)
