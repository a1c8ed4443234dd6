"""Benchmark of the answer link (not collected by pytest): the RSVP page and the one-press
answer POST, side by side with bare views doing the same database work in the same process:
the token check (signature, the invitation and its meeting), and for the POST one locked
update of the invitation and one outbox row. Django test client, median of ``BENCH_RUNS``.

The bare page is like for like: it runs the page's three reads (the token check, a pending
delegation, the colleagues to pass the seat to) and, in the invitee's language, renders the
site's layout (``base.html``: navigation, language menu, CSRF token, messages) around the
same bytes as the RSVP page's content, taken once from the page itself as static HTML. What
the RSVP page costs beyond it is the work of building that content: the answer and
delegation forms, the agenda, the dates of a series, the recorded answer.

    DATABASE_URL=sqlite:////tmp/rsvp.sqlite3 python tests/benchmarks/bench_rsvp.py

The database named by DATABASE_URL is wiped (flushed) first: never point it at real data.
"""

import itertools
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.bench_settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/rsvp.sqlite3")

import django  # noqa: E402

django.setup()

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def medians_ms(function, bare, runs: int = RUNS) -> tuple[float, float]:
    """The median times of ``function`` and ``bare``, run in turns so that the load of a
    shared machine weighs on both alike."""
    function(), bare()  # warm
    times, bare_times = [], []
    for _ in range(runs):
        for call, into in ((function, times), (bare, bare_times)):
            start = time.perf_counter()
            call()
            into.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.median(bare_times)


def bare_views(body: str):
    from django.core import signing
    from django.db import transaction
    from django.http import HttpResponse, HttpResponseRedirect
    from django.template import engines
    from django.utils import timezone, translation
    from django.utils.safestring import mark_safe

    from coordination.models import Contact
    from meetings.models import DelegationRequest, Invitation, OutboundMessage
    from meetings.services.invitations import RSVP_SALT

    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}{{ invitation.meeting.title }}{% endblock %}'
        "{% block content %}{{ body }}{% endblock %}"
    )
    body = mark_safe(body)  # noqa: S308 - the page's own HTML, read back from the page
    sequences = itertools.count()

    def token_check(token):
        data = signing.loads(token, salt=RSVP_SALT)
        return (
            Invitation.objects.select_related("meeting", "contact__organisation")
            .filter(pk=data["i"], token_nonce=data["n"])
            .first()
        )

    def page(request, token):
        invitation = token_check(token)
        # The page's other two reads: a delegation waiting for approval, the colleagues.
        DelegationRequest.objects.filter(invitation=invitation, status="pending").first()
        list(
            Contact.objects.filter(
                organisation_id=invitation.contact.organisation_id, is_active=True
            )
            .exclude(pk=invitation.contact_id)
            .select_related("organisation")
        )
        with translation.override(invitation.contact.preferred_language):
            html = template.render({"invitation": invitation, "body": body}, request)
        return HttpResponse(html)

    def answer(request, token):
        invitation = token_check(token)
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            locked.status = request.POST["answer"]
            locked.answered_at = timezone.now()
            locked.save(update_fields=["status", "answered_at", "updated_at"])
            OutboundMessage.objects.create(
                invitation=locked, kind="update", sequence=next(sequences),
                to_email=invitation.contact.email,
                language="fr", subject="Answer", body_text="Answer", body_html="<p>Answer</p>",
                next_attempt_at=timezone.now(),
            )  # fmt: skip
        return HttpResponseRedirect(request.path)

    return page, answer


def main() -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import clear_url_caches, path
    from django.utils import timezone

    from coordination import urls
    from meetings.models import Meeting
    from meetings.services.invitations import invitation_token
    from tests.factories import AgendaItemFactory, ContactFactory, InvitationFactory, MeetingFactory

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    meeting = MeetingFactory(capacity=30)
    invitation = InvitationFactory(meeting=meeting, contact__preferred_language="fr")
    bare_invitation = InvitationFactory(meeting=meeting, contact__preferred_language="fr")
    for _ in range(20):
        InvitationFactory(meeting=meeting, status="accepted")
    for organisation in (invitation.contact.organisation, bare_invitation.contact.organisation):
        for _ in range(3):  # colleagues to pass the invitation on to
            ContactFactory(organisation=organisation)
    for position in range(8):
        AgendaItemFactory(meeting=meeting, position=position)
    Meeting.objects.filter(pk=meeting.pk).update(
        agenda_version=1, agenda_published_at=timezone.now()
    )
    token, bare_token = invitation_token(invitation), invitation_token(bare_invitation)
    client = Client()
    html = client.get(f"/rsvp/{token}/?answer=accepted").content.decode()
    body = html[html.index(">", html.index('<main id="main"')) + 1 : html.index("</main>")]
    page, answer = bare_views(body)
    urls.urlpatterns[:0] = [
        path("bare/rsvp/<str:token>/", page),
        path("bare/rsvp/<str:token>/answer/", answer),
    ]
    clear_url_caches()
    answers = iter(["accepted", "declined"] * (RUNS + 2))

    def rsvp_page():
        assert client.get(f"/rsvp/{token}/?answer=accepted").status_code == 200

    def rsvp_answer():
        data = {"answer": next(answers), "one_press": "1"}
        assert client.post(f"/rsvp/{token}/", data).status_code == 302

    bare_answers = iter(["accepted", "declined"] * (RUNS + 2))

    def bare_page():
        assert client.get(f"/bare/rsvp/{bare_token}/").status_code == 200

    def bare_answer():
        data = {"answer": next(bare_answers)}
        assert client.post(f"/bare/rsvp/{bare_token}/answer/", data).status_code == 302

    from django.db import connection

    if os.environ.get("BENCH_PROFILE"):  # where the page's time goes
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(lambda: [rsvp_page() for _ in range(20)])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
    sizes = (
        len(client.get(f"/rsvp/{token}/?answer=accepted").content),
        len(client.get(f"/bare/rsvp/{bare_token}/").content),
    )
    if os.environ.get("BENCH_DUMP"):
        Path("/tmp/rsvp_page.html").write_bytes(
            client.get(f"/rsvp/{token}/?answer=accepted").content
        )
        Path("/tmp/rsvp_bare.html").write_bytes(client.get(f"/bare/rsvp/{bare_token}/").content)
    rows = [
        ("RSVP page", *medians_ms(rsvp_page, bare_page)),
        ("answer POST", *medians_ms(rsvp_answer, bare_answer)),
    ]
    sys.stdout.write(f"{connection.vendor}; test client in process, median of {RUNS}\n")
    sys.stdout.write(f"page bytes at the first run: RSVP {sizes[0]}, bare {sizes[1]}\n")
    sys.stdout.write(f"{'what':<14} {'ms':>7} {'bare ms':>8} {'ratio':>6}\n")
    for label, ms, bare in rows:
        sys.stdout.write(f"{label:<14} {ms:7.2f} {bare:8.2f} {ms / bare:6.2f}\n")


if __name__ == "__main__":
    main()
