"""Reads of panel draws: the volunteer pool with each organisation's consultation load (the
invitations and attendance of the last 12 months, which this app records), and the pool as
candidates of the pure draw (``coordination.panels``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from coordination.models import Organisation
from coordination.panels import Candidate
from coordination.selectors import pool_contact_ids, volunteer_pool
from meetings import enums

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
