"""Benchmark of the personal calendar feed (not collected by pytest): one subscriber with
1,000 events (20 weekly series with 3 moved occurrences each), served by the Django test
client in this process, side by side with a bare ``icalendar`` serialisation of the same
events (already loaded).

    DATABASE_URL=sqlite:////tmp/feed.sqlite3 python tests/benchmarks/bench_calendar_feed.py

The database named by DATABASE_URL is wiped (flushed) first: never point it at real data.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.bench_settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/feed.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402

EVENTS = int(os.environ.get("BENCH_EVENTS", "1000"))
SERIES = 20
MOVED = 3
RUNS = int(os.environ.get("BENCH_RUNS", "20"))


def median_ms(function, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def seed():
    from django.utils import timezone

    from meetings.enums import InvitationStatus
    from meetings.models import Invitation, Meeting
    from tests.factories import ConsultationRoundFactory, ContactFactory, UserFactory

    user = UserFactory(username="subscriber")
    contact = ContactFactory(user=user, email="subscriber@example.org")
    round_ = ConsultationRoundFactory()
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    plain = EVENTS - SERIES * (1 + MOVED)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                consultation_round=round_,
                title=f"Session {n}",
                starts_at=start + dt.timedelta(hours=n),
                ends_at=start + dt.timedelta(hours=n, minutes=90),
                location="Rue de la Loi 1, 1000 Bruxelles",
                recurrence_rule="FREQ=WEEKLY;COUNT=10" if n < SERIES else "",
            )
            for n in range(plain + SERIES)
        ]
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                consultation_round=round_,
                title=series.title,
                recurrence_parent=series,
                recurrence_id=series.starts_at + dt.timedelta(weeks=week),
                starts_at=series.starts_at + dt.timedelta(weeks=week, hours=2),
                ends_at=series.ends_at + dt.timedelta(weeks=week, hours=2),
                location=series.location,
                overridden_fields=["starts_at"],
            )
            for series in meetings[:SERIES]
            for week in range(1, MOVED + 1)
        ]
    )
    Invitation.objects.bulk_create(
        [
            Invitation(meeting=m, contact=contact, status=InvitationStatus.ACCEPTED, sent_at=start)
            for m in meetings
        ]
    )
    return user


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from meetings.formats import ical
    from meetings.models import Invitation

    user = seed()
    client = Client()
    url = reverse("calendar-feed", args=[user.calendar_token])

    def cold():
        cache.clear()
        assert client.get(url).status_code == 200

    def warm():
        assert client.get(url).status_code == 200

    first = client.get(url)
    events = first.content.count(b"BEGIN:VEVENT")

    from meetings.models import Meeting

    changing = Meeting.objects.filter(recurrence_parent__isnull=True).order_by("-pk")[0]

    def one_changed():
        Meeting.objects.filter(pk=changing.pk).update(updated_at=timezone.now())
        assert client.get(url).status_code == 200

    def not_modified():
        response = client.get(url, headers={"if-none-match": first["ETag"]})
        assert response.status_code == 304

    invitations = list(
        Invitation.objects.filter(contact__user=user)
        .select_related("meeting__facilitator", "contact")
        .prefetch_related("meeting__agenda_items", "meeting__occurrences__agenda_items")
    )
    meetings = [i.meeting for i in invitations]
    by_meeting = {i.meeting_id: i for i in invitations}

    def bare():
        ical.calendar_feed(
            meetings=meetings, name="Bare", now=timezone.now(), invitations_by_meeting=by_meeting
        ).to_ical()

    rows = [
        ("feed, nothing cached", median_ms(cold, runs=5)),
        ("feed, unchanged (document cached)", median_ms(warm)),
        ("feed, matching If-None-Match (304)", median_ms(not_modified)),
        ("feed, one meeting changed (events cached)", median_ms(one_changed)),
        ("bare icalendar serialisation (loaded)", median_ms(bare, runs=5)),
    ]
    sys.stdout.write(f"personal feed of {events} VEVENTs, Django test client, median\n")
    for label, value in rows:
        sys.stdout.write(f"{label:<42} {value:8.1f} ms\n")


if __name__ == "__main__":
    main()
