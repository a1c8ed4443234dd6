"""Reads of agendas: the items with what pages and exports show, the time plan, and the
agenda PDF (cached per published version)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.utils import translation

from coordination.models import Contact, Question
from meetings.formats import documents
from meetings.models import AgendaAttachment, AgendaItem, Meeting


def presenter_choices(*, item: AgendaItem | None = None) -> QuerySet[Contact]:
    """Who may present an agenda item: any active contact not erased (a guest speaker need
    not be invited yet), and the item's current presenter."""
    chosen = Q(is_active=True, erased_at__isnull=True)
    if item is not None and item.presenter_id:
        chosen |= Q(pk=item.presenter_id)
    return Contact.objects.filter(chosen)


def agenda_items(*, meeting: Meeting):
    """The agenda of ``meeting`` with everything a page or export shows, in a fixed number of
    queries whatever its length."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter__organisation")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=AgendaAttachment.objects.order_by("uploaded_at", "id"),
            ),
            Prefetch("questions", queryset=Question.objects.order_by("number")),
        )
        .order_by("position")
    )


@dataclass
class TimePlanRow:
    item: object
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass
class TimePlan:
    rows: list[TimePlanRow]
    total_minutes: int
    slot_minutes: int
    limit_minutes: int | None
    overruns_slot: bool
    overruns_limit: bool

    @property
    def overrun_minutes(self) -> int:
        return max(0, self.total_minutes - self.slot_minutes)


def agenda_time_plan(*, meeting: Meeting, items) -> TimePlan:
    """Start and end of each item from the meeting's start and the planned minutes, with
    the overruns of the meeting slot and (round sessions) of the half-day limit."""
    rows = []
    cursor = meeting.starts_at
    for item in items:
        end = cursor + dt.timedelta(minutes=item.planned_minutes)
        rows.append(TimePlanRow(item=item, starts_at=cursor, ends_at=end))
        cursor = end
    total = sum(item.planned_minutes for item in items)
    limit = settings.ROUND_SESSION_MAX_MINUTES if meeting.is_round_session else None
    return TimePlan(
        rows=rows,
        total_minutes=total,
        slot_minutes=meeting.duration_minutes,
        limit_minutes=limit,
        overruns_slot=total > meeting.duration_minutes,
        overruns_limit=limit is not None and total > limit,
    )


def agenda_pdf(*, meeting: Meeting, bilingual: bool = False) -> bytes:
    """The agenda of ``meeting`` as a PDF, rendered now."""
    items = list(agenda_items(meeting=meeting))
    plan = agenda_time_plan(meeting=meeting, items=items)
    return documents.agenda_pdf(meeting=meeting, plan=plan, bilingual=bilingual)


# Part of every cached agenda's key: raising it (an erasure does) drops every cached agenda.
AGENDA_PDF_GENERATION_KEY = "agenda-pdf-generation"


def agenda_pdf_cache_drop() -> None:
    """Make every cached agenda stale, the PDFs and the answer page's agenda block (they may
    name a person whose data were erased)."""
    try:
        cache.incr(AGENDA_PDF_GENERATION_KEY)
    except ValueError:
        cache.set(AGENDA_PDF_GENERATION_KEY, 1, timeout=None)


def agenda_cache_generation() -> int:
    """Part of the key of every cached agenda: raised by ``agenda_pdf_cache_drop``."""
    return cache.get(AGENDA_PDF_GENERATION_KEY, 0)


def agenda_pdf_cached(*, meeting: Meeting, bilingual: bool = False) -> bytes:
    """A published agenda's PDF from the cache (a long agenda takes one to two seconds to
    render). Every change to a published agenda raises its version and stamp, which are part
    of the key; drafts are always rendered afresh."""
    if meeting.agenda_published_at is None:
        return agenda_pdf(meeting=meeting, bilingual=bilingual)
    key = ":".join(
        [
            "agenda-pdf",
            str(cache.get(AGENDA_PDF_GENERATION_KEY, 0)),
            str(meeting.pk),
            str(meeting.agenda_version),
            str(meeting.agenda_published_at.timestamp()),
            "2" if bilingual else "1",
            translation.get_language() or "en",
        ]
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = agenda_pdf(meeting=meeting, bilingual=bilingual)
        cache.set(key, pdf, timeout=24 * 3600)
    return pdf
