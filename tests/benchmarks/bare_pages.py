"""Bare views of the list pages, for the benchmarks (not collected by pytest). The benchmark's
settings (``bench_settings``) mount them beside the project's URLs (``bench_urls``), so
gunicorn serves them from the same workers, behind the same middleware, as the pages.

- ``/bare/<n>/``: one plain query of the page's 50 rows rendered by a one-line template.
- ``/bare/<n>/same-work/``: like for like: the very statements the page ran (recorded from
  the page by the benchmark, less those the site's layout runs itself), replayed with a
  cursor, and the page's own content as static HTML inside the site's layout (``base.html``
  with its context processors), or the API's JSON as static bytes. What a page costs beyond
  it is Django's own work: building queries, model instances, forms and templates."""

import os
import pickle
from pathlib import Path

BARE = {
    # page: (model of its rows, the fields shown, the page's ordering)
    "/": ("meetings.Meeting", ["title", "starts_at"], ["starts_at"]),
    "/meetings/": ("meetings.Meeting", ["title", "starts_at"], ["starts_at"]),
    "/actions/": ("meetings.ActionItem", ["description", "due_date"], ["due_date", "id"]),
    "/pool/": ("coordination.Organisation", ["name"], ["name"]),
    "/survey/results/": ("coordination.Question", ["number", "text"], ["number"]),
    "/api/organisations/": ("coordination.Organisation", ["name"], ["name"]),
    "/api/meetings/": ("meetings.Meeting", ["title", "starts_at"], ["starts_at"]),
}
# Statements of atomic blocks, not replayed (their inserts and updates are, on their own).
TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")
# Where the benchmark writes what each page ran and showed (``record_same_work``).
SAME_WORK = Path(os.environ.get("BENCH_SAME_WORK", "/tmp/bench-same-work.pickle"))


def bare_path(index: int) -> str:
    return f"/bare/{index}/"


def same_work_path(index: int) -> str:
    return f"/bare/{index}/same-work/"


def bare_view(model: str, fields: list[str], ordering: list[str]):
    from django.apps import apps
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string(
        "<table>{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}"
        "</tr>{% endfor %}</table>"
    )
    queryset = apps.get_model(model).objects.order_by(*ordering).values_list(*fields)

    def view(request):
        return HttpResponse(template.render({"rows": list(queryset[:50])}))

    return view


def same_work_view(page: str):
    from django.db import connection
    from django.http import HttpResponse
    from django.template import engines
    from django.utils.safestring import mark_safe

    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}{{ body }}{% endblock %}'
    )
    recorded = {}

    def view(request):
        if not recorded:
            recorded.update(pickle.loads(SAME_WORK.read_bytes())[page])  # noqa: S301
        with connection.cursor() as cursor:
            for sql, params in recorded["statements"]:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
        if recorded["kind"] == "json":
            request.user.is_authenticated  # noqa: B018 - the API reads the session and user
            return HttpResponse(recorded["body"], content_type="application/json")
        body = mark_safe(recorded["body"])  # noqa: S308 - the page's own HTML, read back
        return HttpResponse(template.render({"body": body}, request))

    return view


def layout_view(request):
    """The site's layout around nothing: what it runs is left out of each page's record."""
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string('{% extends "base.html" %}')
    return HttpResponse(template.render({}, request))


def record_same_work(client) -> None:
    """Record, with ``client`` (signed in), the statements each page runs beyond the site's
    layout and the content it shows, into ``SAME_WORK`` for the like-for-like views."""
    from collections import Counter

    from django.db import connection

    def statements(path: str) -> tuple[list, bytes]:
        client.get(path)  # warm: what a first request caches is not the page's own work
        ran = []

        def keep(execute, sql, params, many, context):
            if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
                ran.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return ran, response

    layout, _response = statements("/bare/layout/")
    layout_sql = Counter(sql for sql, _params in layout)
    records = {}
    for page in BARE:
        ran, response = statements(page)
        left = Counter(layout_sql)
        own = []
        for sql, params in ran:
            if left[sql]:
                left[sql] -= 1
            else:
                own.append((sql, params))
        content = response.content
        if response["Content-Type"].startswith("application/json"):
            records[page] = {"kind": "json", "statements": own, "body": content}
        else:
            html = content.decode()
            start = html.index(">", html.index('<main id="main"')) + 1
            records[page] = {
                "kind": "html",
                "statements": own,
                "body": html[start : html.index("</main>")],
            }
    SAME_WORK.write_bytes(pickle.dumps(records))


def bare_urlpatterns() -> list:
    from django.urls import path

    patterns = [path("bare/layout/", layout_view)]
    for n, (page, spec) in enumerate(BARE.items()):
        patterns.append(path(bare_path(n)[1:], bare_view(*spec)))
        patterns.append(path(same_work_path(n)[1:], same_work_view(page)))
    return patterns
