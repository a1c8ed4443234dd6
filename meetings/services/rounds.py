"""A consultation round's status follows what happened, moved only by the services that cause
it: panel drawn when a draw is recorded, invitations sent when a session's invitations go out,
held when the last session has taken place, reported when the final report is produced,
closed by the facilitator. ``round_status_follow`` moves a round forward to the status its
facts show, one allowed step at a time (``coordination.services.round_status_change``), and
never back."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from coordination import enums as c_enums
from coordination.models import ConsultationRound
from coordination.services import round_status_change
from meetings import enums
from meetings.models import Invitation, Meeting, ReportVersion, RoundDraw

S = c_enums.RoundStatus


ORDER = [S.DRAFT, S.PANEL_DRAWN, S.INVITATIONS_SENT, S.HELD, S.REPORTED, S.CLOSED]


def _facts_status(consultation_round: ConsultationRound, now: dt.datetime) -> str:
    """The furthest status the round's facts justify (closed is never a fact)."""
    sessions = Meeting.objects.filter(consultation_round=consultation_round).exclude(
        status=enums.MeetingStatus.CANCELLED
    )
    went_out = Invitation.objects.filter(meeting__consultation_round=consultation_round).went_out()
    if went_out.exists():
        to_come = sessions.filter(ends_at__gt=now).exclude(status=enums.MeetingStatus.HELD)
        already_held = ORDER.index(consultation_round.status) >= ORDER.index(S.HELD)
        all_taken_place = already_held or (sessions.exists() and not to_come.exists())
        if not all_taken_place:
            return S.INVITATIONS_SENT
        if ReportVersion.objects.filter(
            report__consultation_round=consultation_round, is_final=True
        ).exists():
            return S.REPORTED
        return S.HELD
    if (
        RoundDraw.objects.filter(consultation_round=consultation_round, is_current=True).exists()
        or Invitation.objects.filter(meeting__consultation_round=consultation_round).exists()
    ):
        return S.PANEL_DRAWN
    return S.DRAFT


def round_status_follow(
    *, consultation_round: ConsultationRound, now: dt.datetime | None = None
) -> ConsultationRound:
    """Move the round forward to the status its facts show (see the module doc)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ConsultationRound.objects.select_for_update().get(pk=consultation_round.pk)
        wanted = _facts_status(locked, now)
        while ORDER.index(locked.status) < ORDER.index(wanted):
            round_status_change(consultation_round=locked, to=ORDER[ORDER.index(locked.status) + 1])
    consultation_round.status = locked.status
    return consultation_round


def round_close(*, consultation_round: ConsultationRound, by=None) -> ConsultationRound:
    """The facilitator closes a reported round (nothing moves it afterwards)."""
    with transaction.atomic():
        locked = ConsultationRound.objects.select_for_update().get(pk=consultation_round.pk)
        round_status_change(consultation_round=locked, to=S.CLOSED)
    consultation_round.status = locked.status
    return consultation_round


def rounds_status_follow(*, now: dt.datetime | None = None) -> int:
    """The scheduled pass: rounds whose sessions have all taken place become held. Returns
    how many rounds moved."""
    now = now or timezone.now()
    moved = 0
    for consultation_round in ConsultationRound.objects.filter(
        status__in=[S.PANEL_DRAWN, S.INVITATIONS_SENT, S.HELD]
    ):
        before = consultation_round.status
        if round_status_follow(consultation_round=consultation_round, now=now).status != before:
            moved += 1
    return moved
