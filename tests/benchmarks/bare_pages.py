"""Bare views of the list pages' rows, for the benchmarks (not collected by pytest): one plain
query of the page's 50 rows rendered by a one-line template, behind the same middleware. The
benchmark's settings (``bench_settings``) mount them under ``/bare/<n>/`` beside the project's
URLs (``bench_urls``), so gunicorn serves both from the same workers."""

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


def bare_path(index: int) -> str:
    return f"/bare/{index}/"


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


def bare_urlpatterns() -> list:
    from django.urls import path

    return [path(bare_path(n)[1:], bare_view(*spec)) for n, spec in enumerate(BARE.values())]
