"""Reads of calendar feeds: the meetings of a user's and of a group's feed, their stamps
and the feed documents built from cached events.

A feed is answered in steps. First one aggregate query reads the feed's stamp
(``FeedStamp``: how many meetings it holds, which, and the latest revision of anything it
shows or showed): the ETag and Last-Modified come from that alone, so a conditional request
is answered before anything is built. Then one query reads each meeting's version
(``FeedVersion``: UID, SEQUENCE, the latest revision of the meeting, its moved occurrences
and the subscriber's answer), and the body is put together from each meeting's serialised
VEVENTs, cached under a key made of that version and the language: an event is serialised
again only when it changed, and the meetings not cached are loaded in a constant number of
queries.

Every change of what a feed shows stamps a row with the time of the change (``updated_at``:
the meeting, a moved occurrence, the invitation, the contact; an agenda change stamps its
meeting), so the latest stamp moves forward with it; a meeting that leaves a feed (the
invitee declined) moves it through its invitation, a date of a series the subscriber
declined on its own (left out of their feed as an EXDATE) through their invitation to that
date, and a cancelled meeting that ages out of the personal feed moves it at the moment it
does."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from meetings.enums import InvitationStatus, MeetingStatus
from meetings.formats import ical
from meetings.models import Invitation, Meeting
from meetings.selectors.agendas import agenda_cache_generation
from meetings.selectors.polls import time_poll_open_of_meeting

FEED_CANCELLED_DAYS = 30
# Bump when the bytes of a feed event change for the same data (a new property, say).
FEED_EVENT_FORMAT = 1
FEED_EVENT_CACHE_SECONDS = 7 * 24 * 3600
FEED_DOCUMENT_CACHE_SECONDS = 24 * 3600
FEED_SHOWN = [InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE]
FEED_SHOWN_CANCELLED = [*FEED_SHOWN, InvitationStatus.SENT]
LIVE = [MeetingStatus.PLANNED, MeetingStatus.CONFIRMED, MeetingStatus.HELD]


def _moved(series: str):
    """The latest revision of a series' moved occurrences, and how many there are
    (``series``: the outer query's column naming the series)."""
    moved = (
        Meeting.objects.filter(recurrence_parent=OuterRef(series))
        .exclude(overridden_fields=[])
        .values("recurrence_parent")
    )
    return (
        Subquery(moved.annotate(at=Max("updated_at")).values("at")[:1]),
        Coalesce(Subquery(moved.annotate(n=Count("pk")).values("n")[:1]), 0),
    )


def _format_parts() -> tuple:
    return (FEED_EVENT_FORMAT, settings.SITE_URL, settings.CALENDAR_REPLY_EMAIL)


@dataclass(frozen=True)
class FeedStamp:
    """What decides whether a feed changed: read in one aggregate query."""

    owner: str
    name: str
    language: str
    meetings: int
    meeting_ids: int
    moved: int
    revised_at: dt.datetime | None
    last_modified: dt.datetime | None
    generation: int = 0  # raised by an erasure: every cached text may name the person

    @property
    def etag(self) -> str:
        parts = (
            *_format_parts(),
            self.generation,
            self.owner,
            self.name,
            self.language,
            self.meetings,
            self.meeting_ids,
            self.moved,
            self.revised_at.isoformat() if self.revised_at else "",
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FeedVersion:
    """What decides one meeting's VEVENTs in one feed."""

    meeting_id: int
    invitation_id: int | None
    uid: str
    sequence: int
    timezone: str
    revised_at: dt.datetime
    moved: int
    answer: str

    @functools.cached_property
    def cache_key(self) -> str:
        parts = (
            *_format_parts(),
            self.uid,
            self.sequence,
            self.revised_at.isoformat(),
            self.moved,
            self.answer,
            self.invitation_id,
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Feed:
    """The meetings of a feed, in order."""

    name: str
    language: str
    versions: list[FeedVersion]
    generation: int = 0  # as in FeedStamp

    def key(self, version: FeedVersion) -> str:
        return f"feed-event:{self.generation}:{self.language}:{version.cache_key}"


# --- Personal feeds -------------------------------------------------------------------------


def _personal_rows(*, user, now: dt.datetime):
    """The user's invitations to meetings (series, not their moved occurrences), each with
    the latest revision of what its events say and whether the feed shows it."""
    moved_at, moved = _moved("meeting_id")
    shown = _personal_shown(now=now)
    # The subscriber's answers to single dates of the series (a date declined on its own).
    own_dates = Invitation.objects.filter(
        meeting__recurrence_parent=OuterRef("meeting_id"), contact=OuterRef("contact_id")
    ).values("contact")
    own_dates_at = Subquery(own_dates.annotate(at=Max("updated_at")).values("at")[:1])
    return (
        Invitation.objects.filter(contact__user=user, meeting__recurrence_parent__isnull=True)
        .annotate(moved_at=moved_at, moved=moved, own_dates_at=own_dates_at)
        .annotate(
            revised_at=Greatest(
                "updated_at",
                "contact__updated_at",
                "meeting__updated_at",
                Coalesce("moved_at", "meeting__updated_at"),
                Coalesce("own_dates_at", "meeting__updated_at"),
            ),
            shown=ExpressionWrapper(shown, output_field=BooleanField()),
        )
    )


def _personal_shown(*, now: dt.datetime) -> Q:
    """Which of a user's invitations the personal feed shows (on the invitation's fields)."""
    return Q(status__in=FEED_SHOWN, meeting__status__in=LIVE) | Q(
        meeting__status=MeetingStatus.CANCELLED,
        meeting__updated_at__gte=now - dt.timedelta(days=FEED_CANCELLED_DAYS),
        status__in=FEED_SHOWN_CANCELLED,
    )


def _in(values) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def _personal_stamp_sql() -> str:
    """The stamp query of a personal feed (``personal_feed_stamp``), as one SQL statement."""
    invitation, meeting = Invitation._meta.db_table, Meeting._meta.db_table
    contact = Invitation._meta.get_field("contact").related_model._meta.db_table
    rows = (
        f"FROM {invitation} i JOIN {contact} c ON c.id = i.contact_id "
        f"JOIN {meeting} m ON m.id = i.meeting_id "
        "WHERE c.user_id = %s AND m.recurrence_parent_id IS NULL"
    )
    shown = (
        f"(m.status IN {_in(LIVE)} AND i.status IN {_in(FEED_SHOWN)}) OR (m.status = %s "
        f"AND m.updated_at >= %s AND i.status IN {_in(FEED_SHOWN_CANCELLED)})"
    )
    # Only table names and placeholders are put into the text; every value is a parameter.
    return (
        f"SELECT COUNT(i.id) FILTER (WHERE {shown}), "  # noqa: S608
        f"COALESCE(SUM(i.meeting_id) FILTER (WHERE {shown}), 0), "
        "MAX(i.updated_at), MAX(c.updated_at), MAX(m.updated_at), "
        "MAX(m.updated_at) FILTER (WHERE m.status = %s AND m.updated_at < %s), "
        f"(SELECT COUNT(*) FROM {meeting} v WHERE v.recurrence_parent_id IN "
        f"(SELECT i.meeting_id {rows} AND ({shown}))), "
        f"(SELECT MAX(v.updated_at) FROM {meeting} v WHERE v.recurrence_parent_id IN "
        f"(SELECT i.meeting_id {rows})), "
        # The subscriber's answers to single dates of a series.
        f"(SELECT MAX(d.updated_at) FROM {invitation} d JOIN {contact} dc ON dc.id = d.contact_id "
        f"JOIN {meeting} dm ON dm.id = d.meeting_id "
        "WHERE dc.user_id = %s AND dm.recurrence_parent_id IS NOT NULL) "
        f"{rows}"
    )


def _stamp_time(value) -> dt.datetime | None:
    """A timestamp read by raw SQL: PostgreSQL gives aware datetimes, SQLite UTC text."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)


def personal_feed_stamp(*, user, name: str, now: dt.datetime | None = None) -> FeedStamp:
    """The stamp of a user's personal feed, in one aggregate query with no subquery per row:
    over their invitations with their meetings and contact, and (uncorrelated subqueries,
    each read once) the moved occurrences of those series. The latest revision is the
    latest of the invitations, the contact, the meetings and the moved occurrences, as each
    event's revision is. Plain SQL, prepared once: a feed reader polls it for every
    conditional request (a 304 costs this query and little else), and building the same
    statement through the ORM took longer than running it."""
    now = now or timezone.now()
    since = connection.ops.adapt_datetimefield_value(now - dt.timedelta(days=FEED_CANCELLED_DAYS))
    statuses = [str(v) for v in (*LIVE, *FEED_SHOWN, MeetingStatus.CANCELLED)]
    shown = [*statuses, since, *[str(v) for v in FEED_SHOWN_CANCELLED]]
    params = [
        *shown, *shown, str(MeetingStatus.CANCELLED), since,
        user.pk, *shown, user.pk, user.pk, user.pk,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_personal_stamp_sql(), params)
        meetings, meeting_ids, *times, moved, moved_at, dates_at = cursor.fetchone()
    invitations_at, contact_at, meetings_at, cancelled, moved_at, dates_at = map(
        _stamp_time, [*times, moved_at, dates_at]
    )
    revised = [invitations_at, contact_at, meetings_at, moved_at, dates_at]
    revised_at = max((s for s in revised if s is not None), default=None)
    stamps = [revised_at]
    if cancelled is not None:  # the moment the latest one aged out of the feed
        stamps.append(cancelled + dt.timedelta(days=FEED_CANCELLED_DAYS))
    last_modified = max((s for s in stamps if s is not None), default=None)
    return FeedStamp(
        generation=agenda_cache_generation(),
        owner=f"user:{user.pk}",
        name=name,
        language=user.preferred_language or "en",
        meetings=meetings,
        meeting_ids=int(meeting_ids),
        moved=moved or 0,
        revised_at=revised_at,
        last_modified=last_modified,
    )


def personal_feed(*, user, name: str, now: dt.datetime | None = None) -> Feed:
    """A user's personal feed: meetings they accepted or tentatively accepted, and those
    cancelled in the last 30 days (as CANCELLED), in one query."""
    now = now or timezone.now()
    rows = (
        _personal_rows(user=user, now=now)
        .filter(shown=True)
        .order_by("meeting__starts_at", "pk")
        .values_list(
            "meeting_id",
            "pk",
            "meeting__ical_uid",
            "meeting__sequence",
            "meeting__timezone",
            "revised_at",
            "moved",
            "status",
        )
    )
    return Feed(
        generation=agenda_cache_generation(),
        name=name,
        language=user.preferred_language or "en",
        versions=[FeedVersion(*row) for row in rows],
    )


# --- Group feeds ----------------------------------------------------------------------------


def _group_rows(*, group):
    """The group's meetings, less those whose time a poll is still finding: their date is
    not one to put in a calendar yet (they appear once the slot is chosen)."""
    moved_at, moved = _moved("pk")
    return (
        Meeting.objects.filter(working_group=group, recurrence_parent__isnull=True)
        .exclude(time_poll_open_of_meeting())
        .annotate(moved_at=moved_at, moved=moved)
        .annotate(revised_at=Greatest("updated_at", Coalesce("moved_at", "updated_at")))
    )


def group_feed_stamp(*, group, language: str) -> FeedStamp:
    found = _group_rows(group=group).aggregate(
        meetings=Count("pk"),
        meeting_ids=Coalesce(Sum("pk"), 0),
        moved_total=Coalesce(Sum("moved"), 0),
        revised=Max("revised_at"),
    )
    return FeedStamp(
        generation=agenda_cache_generation(),
        owner=f"group:{group.pk}",
        name=group.name,
        language=language,
        meetings=found["meetings"],
        meeting_ids=found["meeting_ids"],
        moved=found["moved_total"],
        revised_at=found["revised"],
        last_modified=found["revised"],
    )


def group_feed(*, group, language: str) -> Feed:
    """A working group's feed: all its meetings, in one query."""
    rows = (
        _group_rows(group=group)
        .order_by("starts_at", "pk")
        .values_list("pk", "ical_uid", "sequence", "timezone", "revised_at", "moved")
    )
    return Feed(
        generation=agenda_cache_generation(),
        name=group.name,
        language=language,
        versions=[
            FeedVersion(pk, None, uid, sequence, tzid, revised, moved, "")
            for pk, uid, sequence, tzid, revised, moved in rows
        ],
    )


# --- Documents ------------------------------------------------------------------------------


def _moved_occurrences(lookup: str) -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Meeting.objects.exclude(overridden_fields=[])
        .select_related("facilitator")
        .prefetch_related("agenda_items"),
    )


def _serialise(feed: Feed, missing: list[FeedVersion]) -> dict[str, bytes]:
    """The VEVENTs of the meetings not in the cache, in a constant number of queries
    (whatever the number of meetings and of moved occurrences)."""
    if not missing:
        return {}
    if missing[0].invitation_id is not None:
        invitations = (
            Invitation.objects.filter(pk__in=[v.invitation_id for v in missing])
            .select_related("contact", "meeting__facilitator")
            .prefetch_related("meeting__agenda_items", _moved_occurrences("meeting__occurrences"))
        )
        found = {i.pk: (i.meeting, i) for i in invitations}
        keyed = [(v, found.get(v.invitation_id)) for v in missing]
        declined = _dates_declined_on_their_own(list(found.values()))
    else:
        meetings = (
            Meeting.objects.filter(pk__in=[v.meeting_id for v in missing])
            .select_related("facilitator")
            .prefetch_related("agenda_items", _moved_occurrences("occurrences"))
        )
        found = {m.pk: (m, None) for m in meetings}
        keyed = [(v, found.get(v.meeting_id)) for v in missing]
        declined = {}
    built = {}
    with translation.override(feed.language):
        for version, pair in keyed:
            if pair is None:  # deleted since the versions were read
                continue
            meeting, invitation = pair
            built[feed.key(version)] = ical.feed_events(
                meeting,
                invitation=invitation,
                revised_at=version.revised_at,
                left_out=declined.get(meeting.pk, ()),
            )
    return built


def _dates_declined_on_their_own(pairs) -> dict[int, list[dt.datetime]]:
    """Series id → the original starts of the dates the subscriber declined on their own
    (``occurrence_answer``), for the series of ``pairs`` (meeting, invitation): their
    personal feed leaves those dates out. One query."""
    series = [meeting.pk for meeting, _invitation in pairs if meeting.recurrence_rule]
    if not series:
        return {}
    contacts = {invitation.contact_id for _meeting, invitation in pairs}
    declined: dict[int, list[dt.datetime]] = {}
    for series_id, original in Invitation.objects.filter(
        meeting__recurrence_parent_id__in=series,
        contact_id__in=contacts,
        status=InvitationStatus.DECLINED,
    ).values_list("meeting__recurrence_parent_id", "meeting__recurrence_id"):
        declined.setdefault(series_id, []).append(original)
    return declined


def feed_document_cached(stamp: FeedStamp, build) -> bytes:
    """The whole document of a feed at ``stamp``, from the cache, or ``build()`` it (a feed
    polled again unchanged costs its stamp and one cache read)."""
    key = f"feed-document:{stamp.etag}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, timeout=FEED_DOCUMENT_CACHE_SECONDS)
    return body


def feed_document(feed: Feed) -> bytes:
    """The feed's bytes: cached events where they are, the others built and cached."""
    keys = [feed.key(v) for v in feed.versions]
    chunks = cache.get_many(keys)
    missing = [v for v, key in zip(feed.versions, keys, strict=True) if key not in chunks]
    built = _serialise(feed, missing)
    if built:
        cache.set_many(built, timeout=FEED_EVENT_CACHE_SECONDS)
        chunks.update(built)
    return ical.feed_document(
        name=feed.name,
        tzids=sorted({v.timezone for v in feed.versions}),
        # A meeting deleted since the versions were read is left out.
        events=[chunks[key] for key in keys if key in chunks],
    )
