"""Reads of panel draws: the volunteer pool with each organisation's consultation load (the
invitations and attendance of the last 12 months, which this app records), and the pool as
candidates of the pure draw (``coordination.panels``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from coordination.models import Organisation
from coordination.panels import (
    EXACT_POOL_LIMIT,
    METHOD_LEXIMIN,
    TIME_BUDGET_SECONDS,
    Candidate,
    RoundPanels,
    Session,
    Target,
    default_targets,
    round_draw,
    round_eligible,
)
from coordination.selectors import pool_contact_ids, volunteer_pool
from meetings import enums
from meetings.models import Invitation, PanelDraw, RoundDraw

REASON_DECLINED_TWICE = "declined_twice"
ANSWERED_STATUSES = (
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DECLINED,
    enums.InvitationStatus.DELEGATED,
)

LOAD_WINDOW_DAYS = 365
# Invitation statuses that count as "invited" (a draft or a waitlist place does not).
INVITED_STATUSES = (
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DECLINED,
    enums.InvitationStatus.DELEGATED,
)


def with_consultation_load(queryset: QuerySet[Organisation], *, now=None) -> QuerySet:
    """Annotate rounds and meetings invited to, meetings attended and the load (the larger of
    meetings invited and attended) over the last 12 months."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=LOAD_WINDOW_DAYS)
    invited = Q(
        contacts__invitations__status__in=INVITED_STATUSES,
        contacts__invitations__meeting__starts_at__gte=since,
    )
    attended = Q(
        contacts__attendances__status=enums.AttendanceStatus.PRESENT,
        contacts__attendances__meeting__starts_at__gte=since,
    )
    return queryset.annotate(
        rounds_invited=Count(
            "contacts__invitations__meeting__consultation_round", filter=invited, distinct=True
        ),
        meetings_invited=Count("contacts__invitations__meeting", filter=invited, distinct=True),
        meetings_attended=Count("contacts__attendances__meeting", filter=attended, distinct=True),
    ).annotate(load=Greatest("meetings_invited", "meetings_attended"))


def volunteer_pool_with_load(
    *, filters: dict[str, str] | None = None, now=None
) -> QuerySet[Organisation]:
    """The volunteer pool (``coordination.selectors.volunteer_pool``) with the load."""
    return with_consultation_load(volunteer_pool(filters=filters), now=now).order_by("name")


LOAD_FIELDS = ("rounds_invited", "meetings_invited", "meetings_attended", "load")


def with_loads_of_rows(organisations, *, now=None) -> list[Organisation]:
    """The consultation load of a page of organisations, computed for those rows only (one
    query) and set on each (``rounds_invited``, ``meetings_invited``, ``meetings_attended``,
    ``load``): the list's COUNT and the other rows never pay for it."""
    organisations = list(organisations)
    loads = {
        row[0]: row[1:]
        for row in with_consultation_load(
            Organisation.objects.filter(pk__in=[o.pk for o in organisations]), now=now
        ).values_list("pk", *LOAD_FIELDS)
    }
    for organisation in organisations:
        for name, value in zip(LOAD_FIELDS, loads.get(organisation.pk, (0, 0, 0, 0)), strict=True):
            setattr(organisation, name, value or 0)
    return organisations


def volunteer_pool_candidates(*, now=None, filters: dict[str, str] | None = None) -> list:
    """The pool as input of the pure panel draw (``coordination.panels``), in one query."""
    contact_ids = pool_contact_ids()
    rows = volunteer_pool_with_load(filters=filters, now=now).values_list(
        "pk",
        "name",
        "working_languages",
        "areas",
        "domains",
        "support_role",
        "kind",
        "load",
    )
    return [
        Candidate(
            organisation_id=pk,
            contact_id=contact_ids[pk],
            name=name,
            attributes={
                "working_language": tuple(languages or ()),
                "area": tuple(areas or ()),
                "domain": tuple(domains or ()),
                "support_role": support_role or "",
                "kind": kind or "",
            },
            load=load or 0,
        )
        for pk, name, languages, areas, domains, support_role, kind, load in rows
        if pk in contact_ids
    ]


def round_sessions(consultation_round) -> list[Session]:
    """The sessions of a round as the joint draw sees them (seats: the session's capacity, or
    the round's capacity per session), in the order of their start."""
    return [
        Session(
            key=meeting.pk,
            language=meeting.language or "",
            seats=meeting.capacity or consultation_round.capacity_per_session,
            title=meeting.title,
        )
        for meeting in consultation_round.sessions.order_by("starts_at", "pk")
    ]


def declined_twice_organisations() -> dict[int, str]:
    """Organisations whose last two answered invitations were declines."""
    answered = (
        Invitation.objects.filter(status__in=ANSWERED_STATUSES)
        .order_by("contact__organisation_id", "-meeting__starts_at", "-pk")
        .values_list("contact__organisation_id", "status")
    )
    last_two: dict[int, list[str]] = {}
    for organisation_id, status in answered:
        statuses = last_two.setdefault(organisation_id, [])
        if len(statuses) < 2:
            statuses.append(status)
    return {
        organisation_id: REASON_DECLINED_TWICE
        for organisation_id, statuses in last_two.items()
        if statuses == [enums.InvitationStatus.DECLINED] * 2
    }


def round_draw_current(consultation_round):
    return (
        RoundDraw.objects.filter(consultation_round=consultation_round, is_current=True)
        .select_related("created_by")
        .first()
    )


def round_draws_earlier(consultation_round):
    return RoundDraw.objects.filter(
        consultation_round=consultation_round, is_current=False
    ).select_related("created_by")


def round_draw_input(
    *,
    consultation_round,
    exclude_declined_twice: bool = True,
    max_load: int | None = None,
    must_invite: Sequence[int] = (),
) -> tuple[list[Candidate], list[Session], list[Candidate], dict[int, str]]:
    """The pool, the sessions, the eligible organisations and the exclusions of a round's
    joint draw."""
    pool = volunteer_pool_candidates()
    exclusions = declined_twice_organisations() if exclude_declined_twice else {}
    eligible, _excluded, _size = round_eligible(
        pool, exclusions=exclusions, must_invite=must_invite, max_load=max_load
    )
    return pool, round_sessions(consultation_round), eligible, exclusions


def round_draw_preview(
    *,
    consultation_round,
    targets: Sequence[Target] | None = None,
    seed: int,
    exclude_declined_twice: bool = True,
    max_load: int | None = None,
    must_invite: Sequence[int] = (),
    method: str = METHOD_LEXIMIN,
) -> RoundPanels:
    """The joint draw of a round computed without writing anything (the page's preview, the
    command's ``--dry-run`` and the recording service all go through here). Without
    ``targets``, the defaults proportional to the pool."""
    pool, sessions, eligible, exclusions = round_draw_input(
        consultation_round=consultation_round,
        exclude_declined_twice=exclude_declined_twice,
        max_load=max_load,
        must_invite=must_invite,
    )
    if targets is None:
        targets = default_targets(eligible, sessions)
    return round_draw(
        pool,
        sessions=sessions,
        targets=targets,
        seed=seed,
        exclusions=exclusions,
        must_invite=must_invite,
        max_load=max_load,
        method=method,
        exact_pool_limit=getattr(settings, "PANEL_DRAW_EXACT_POOL_LIMIT", EXACT_POOL_LIMIT),
        time_budget=getattr(settings, "PANEL_DRAW_TIME_BUDGET", TIME_BUDGET_SECONDS),
    )


def round_alternates(consultation_round) -> list[dict]:
    """Per session of the round's current draw: the alternates still available, in order,
    and the replacements made so far (who was invited and why)."""
    session_draws = PanelDraw.objects.filter(
        meeting__consultation_round=consultation_round,
        is_current=True,
        round_draw__is_current=True,
    ).select_related("meeting")
    used = set(
        Invitation.objects.filter(meeting__consultation_round=consultation_round)
        .exclude(status=enums.InvitationStatus.WAITLISTED)
        .values_list("contact__organisation_id", flat=True)
    )
    return [
        {
            "session": draw.meeting_id,
            "title": draw.meeting.title,
            "language": draw.meeting.language,
            "answer_deadline": draw.meeting.answer_deadline,
            "alternates": [
                {
                    "organisation_id": e["organisation_id"],
                    "name": e["name"],
                    "contact_id": e["contact_id"],
                }
                for e in draw.waitlist
                if e["organisation_id"] not in used
            ],
            "replacements": draw.explanation.get("replacements", []),
        }
        for draw in sorted(session_draws, key=lambda d: (d.meeting.starts_at, d.meeting_id))
    ]
