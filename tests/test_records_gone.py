"""A record deleted by someone else between the moment a view finds it and the moment its
service reads it again (two facilitators editing and deleting the same agenda item) is a
404, on a page as in the API, never a server error; nothing else is written."""

import contextlib

import pytest
from django.db import connection
from django.urls import reverse

from meetings.models import AgendaItem
from tests.factories import AgendaItemFactory
from tests.helpers import api
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def deleted_before_read(item: AgendaItem, *, reads: int):
    """Delete ``item``'s row just before the ``reads``-th query that reads the agenda item
    table (as another user's delete committed between two reads of the request)."""
    seen = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal seen
        if sql.startswith("SELECT") and 'FROM "meetings_agendaitem"' in sql:
            seen += 1
            if seen == reads:
                execute(
                    'DELETE FROM "meetings_agendaitem" WHERE "id" = %s', [item.pk], False, context
                )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def test_the_api_answers_404_when_the_item_is_deleted_before_the_update_locks_it():
    item = AgendaItemFactory(title="Welcome")
    client = api(leader_of(item.meeting))

    # The view finds the item (first read); the service's locking read finds it gone.
    with deleted_before_read(item, reads=2):
        response = client.patch(
            f"/api/agenda-items/{item.pk}/", {"title": "Changed"}, format="json"
        )

    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
    }
    # (Here the delete ran inside the request's own transaction, which the error rolled back.)
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welcome"]


def test_the_page_answers_404_when_the_item_is_deleted_before_the_update_locks_it(client):
    item = AgendaItemFactory(title="Welcome", planned_minutes=10)
    client.force_login(leader_of(item.meeting))
    url = reverse("agenda-item-edit", args=[item.meeting_id, item.pk])
    loaded = client.get(url).context["form"]
    form = {field.html_name: field.value() for field in loaded if field.value() is not None}
    form["item-title"] = "Changed"

    with deleted_before_read(item, reads=2):
        response = client.post(url, form)

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welcome"]
