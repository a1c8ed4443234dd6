"""Scheduling: create, change and cancel meetings and occurrences of a series.

Times are entered as local wall-clock times of the meeting's time zone (Europe/Brussels by
default) and stored aware. A change of time, place or link of a meeting whose invitations
went out increments its iCalendar SEQUENCE and writes an update (or, for a cancellation, a
CANCEL) for everyone invited and not declined, in the same transaction (see the outbox in
``meetings.emails``)."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.dates import medium_datetime
from coordination.rules import ROUND_ADD_SESSION, ROUND_CHANGE_SESSIONS, round_require
from meetings import enums
from meetings.models import Invitation, Meeting, TimeProposal
from meetings.recurrence import (
    recurrence_rule_validate,
    series_date_check,
    series_exceptions_follow,
    series_originals,
    series_split_rules,
)
from meetings.services.agendas import agenda_copy_from
from meetings.services.invitations import (
    ANSWERABLE,
    KEPT_INFORMED_Q,
    invitation_message_enqueue,
    meeting_cancellations_enqueue,
    meeting_tokens_revoke,
    meeting_updates_enqueue,
    seats_taken,
)
from meetings.validators import single_line

# Fields whose change is news to the invitees (an iTIP update).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "location", "online_url", "format", "title")
# Fields of a series that its moved dates take over unless they changed them themselves.
SERIES_FIELDS = ("title", "location", "online_url", "format", "timezone")
# Fields whose change asks the invitees to confirm again.
TIME_FIELDS = ("starts_at", "ends_at", "timezone", "recurrence_rule")
EDITABLE_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "format",
    "location",
    "online_url",
    "language",
    "capacity",
    "facilitator",
    "recurrence_rule",
    "reminder_offsets",
    "status",
)


def _validate(meeting: Meeting, *, is_new: bool, confirm_long: bool) -> None:
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    try:
        ZoneInfo(meeting.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        add("timezone", _("Unknown time zone “%(tz)s”.") % {"tz": meeting.timezone})
    if not meeting.title.strip():
        add("title", _("Give the meeting a title."))
    if meeting.ends_at <= meeting.starts_at:
        add("ends_at", _("The meeting must end after it starts."))
    elif is_new and meeting.ends_at <= timezone.now():
        add("ends_at", _("A new meeting cannot end in the past."))
    if (
        meeting.format in (enums.MeetingFormat.IN_PERSON, enums.MeetingFormat.HYBRID)
        and not (meeting.location or "").strip()
    ):
        add("location", _("A meeting in person needs an address."))
    if meeting.location and len(meeting.location.strip()) < 5:
        add("location", _("This address is too short to find the place."))
    online = meeting.format in (enums.MeetingFormat.ONLINE, enums.MeetingFormat.HYBRID)
    if online and not meeting.online_url:
        add("online_url", _("An online meeting needs a link."))
    if meeting.online_url:
        try:
            URLValidator(schemes=["https", "http"])(meeting.online_url)
        except ValidationError:
            add("online_url", _("Enter a valid web link starting with https://."))
    if meeting.is_round_session and meeting.recurrence_rule:
        add("recurrence_rule", _("Only working-group meetings can repeat."))
    if (
        meeting.is_round_session
        and meeting.ends_at > meeting.starts_at
        and meeting.duration_minutes > settings.ROUND_SESSION_MAX_MINUTES
        and not confirm_long
    ):
        add(
            "ends_at",
            _(
                "A consultation session lasts at most half a day (%(hours)s hours): the "
                "volunteers agreed to “max. half a day”. Shorten it, or confirm that this "
                "session may be longer."
            )
            % {"hours": settings.ROUND_SESSION_MAX_MINUTES // 60},
        )
    if meeting.capacity is not None and not is_new:
        accepted = seats_taken(meeting=meeting)
        if meeting.capacity < accepted:
            add(
                "capacity",
                _("%(n)s people have already accepted: the capacity cannot be lower.")
                % {"n": accepted},
            )
    offsets = meeting.reminder_offsets
    if not isinstance(offsets, list) or not all(
        isinstance(m, int) and 0 < m <= 60 * 24 * 60 for m in offsets
    ):
        add("reminder_offsets", _("Reminders are whole minutes before the meeting (max. 60 days)."))
    if errors:
        raise ValidationError(errors)


def meeting_create(
    *,
    by,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    working_group=None,
    consultation_round=None,
    timezone: str = settings.TIME_ZONE,
    format: str = enums.MeetingFormat.IN_PERSON,
    location: str = "",
    online_url: str = "",
    language: str = "en",
    capacity: int | None = None,
    facilitator=None,
    recurrence_rule: str = "",
    reminder_offsets: list[int] | None = None,
    confirm_long: bool = False,
) -> Meeting:
    """Create a meeting of a working group or a round (exactly one of them)."""
    if (working_group is None) == (consultation_round is None):
        raise ValidationError(_("A meeting belongs to a working group or to a round."))
    if consultation_round is not None:
        round_require(consultation_round, ROUND_ADD_SESSION)
    meeting = Meeting(
        working_group=working_group,
        consultation_round=consultation_round,
        title=single_line(title),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        format=format,
        location=single_line(location),
        online_url=online_url or "",
        language=language,
        capacity=capacity if capacity is not None else _default_capacity(consultation_round),
        facilitator=facilitator or by,
        recurrence_rule=recurrence_rule_validate(recurrence_rule),
    )
    if reminder_offsets is not None:
        meeting.reminder_offsets = reminder_offsets
    _validate(meeting, is_new=True, confirm_long=confirm_long)
    meeting.save()
    return meeting


def _default_capacity(consultation_round) -> int | None:
    return consultation_round.capacity_per_session if consultation_round else None


def meeting_update(*, meeting: Meeting, by, confirm_long: bool = False, **changes) -> Meeting:
    """Change a meeting. A change of time, place, link or title after invitations went out
    sends an update (same UID, SEQUENCE + 1) to everyone invited and not declined; after a
    change of date or time they are asked to confirm the new time."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(f)s") % {"f": sorted(unknown)})
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting was cancelled; it cannot be changed."))
        if locked.consultation_round_id:
            round_require(locked.consultation_round, ROUND_CHANGE_SESSIONS)
        if "recurrence_rule" in changes:
            changes["recurrence_rule"] = recurrence_rule_validate(changes["recurrence_rule"])
        for name in ("title", "location"):
            if name in changes:
                # Whatever the door (page, API, admin): no control character is stored.
                changes[name] = single_line(changes[name])
        if changes.get("status") == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("Use “cancel meeting” to cancel it."))
        notified = any(
            name in changes and getattr(locked, name) != changes[name] for name in NOTIFIED_FIELDS
        ) or ("recurrence_rule" in changes and changes["recurrence_rule"] != locked.recurrence_rule)
        time_changed = any(
            name in changes and getattr(locked, name) != changes[name] for name in TIME_FIELDS
        )
        before = {
            name: getattr(locked, name)
            for name in (*SERIES_FIELDS, *TIME_FIELDS, *OCCURRENCE_OWN_FIELDS)
        }
        for name, value in changes.items():
            setattr(locked, name, value if value is not None or name == "capacity" else "")
        _validate(locked, is_new=False, confirm_long=confirm_long)
        update_fields = [*changes, "updated_at"]
        if locked.recurrence_parent_id is not None:
            return _occurrence_changed(locked, before, update_fields, notified=notified)
        if locked.recurrence_rule and before["recurrence_rule"]:
            update_fields += _series_exceptions_follow(locked, before)
        if notified and locked.invitations.went_out().exists():
            locked.sequence += 1
            update_fields.append("sequence")
        locked.save(update_fields=update_fields)
        if "sequence" in update_fields:
            meeting_updates_enqueue(meeting=locked, time_changed=time_changed)
    return locked


def _occurrence_changed(
    occurrence: Meeting, before: dict, update_fields: list[str], *, notified: bool
) -> Meeting:
    """ "This occurrence" of a series changed on its own page: the fields it changed are its
    own from now on (a later change of the series leaves them), and the series' invitees
    receive the series with this date as an exception."""
    if occurrence.recurrence_rule or occurrence.timezone != before["timezone"]:
        raise ValidationError(
            _("The repetition and the time zone belong to the series: edit the series."),
            code="series_field",
        )
    own = list(occurrence.overridden_fields)
    for name in OCCURRENCE_OWN_FIELDS:
        if (
            name in update_fields
            and getattr(occurrence, name) != before.get(name)
            and (name not in own)
        ):
            own.append(name)
    occurrence.overridden_fields = own
    occurrence.save(update_fields=[*update_fields, "overridden_fields"])
    series = Meeting.objects.select_for_update().get(pk=occurrence.recurrence_parent_id)
    if notified and series.invitations.went_out().exists():
        series.sequence += 1
        series.save(update_fields=["sequence", "updated_at"])
        meeting_updates_enqueue(meeting=series)
    return occurrence


def _series_exceptions_follow(series: Meeting, before: dict) -> list[str]:
    """After a change of a series: its cancelled dates and its dates that are meetings of
    their own follow a change of time (their EXDATE and RECURRENCE-ID move with the series,
    so none comes back and none shows twice; a date that kept the series' time takes the
    new one), and they take a new title, place, link, format or time zone unless they had
    set that field themselves (``overridden_fields``). Returns the series' fields changed
    here."""
    time_changed = any(before[name] != getattr(series, name) for name in TIME_FIELDS)
    dates = list(series.occurrences.all())
    changed_fields: list[str] = []
    if time_changed:
        follow = functools.partial(
            series_exceptions_follow,
            old_start=before["starts_at"],
            old_tzid=before["timezone"],
            new_start=series.starts_at,
            new_tzid=series.timezone,
            new_rule=series.recurrence_rule,
        )
        cancelled = follow(
            values=[dt.datetime.fromisoformat(value) for value in series.recurrence_exdates]
        )
        series.recurrence_exdates = list(
            dict.fromkeys(moment.isoformat() for moment in cancelled if moment is not None)
        )
        changed_fields.append("recurrence_exdates")
        followed = list(zip(dates, follow(values=[d.recurrence_id for d in dates]), strict=True))
        gone = [occurrence for occurrence, recurrence_id in followed if recurrence_id is None]
        _occurrences_drop(gone)
        # Saved in the order of the shift, so that two dates never hold the same original
        # start for a moment (one per series date, a database constraint).
        forward = series.starts_at > before["starts_at"]
        followed = sorted(
            ((o, rid) for o, rid in followed if rid is not None),
            key=lambda pair: pair[0].recurrence_id,
            reverse=forward,
        )
        length = series.ends_at - series.starts_at
        for occurrence, recurrence_id in followed:
            fields = ["recurrence_id", "updated_at"]
            if "starts_at" not in occurrence.overridden_fields:
                own_length = occurrence.ends_at - occurrence.starts_at
                occurrence.starts_at = recurrence_id
                occurrence.ends_at = recurrence_id + (
                    own_length if "ends_at" in occurrence.overridden_fields else length
                )
                fields += ["starts_at", "ends_at"]
            occurrence.recurrence_id = recurrence_id
            occurrence.save(update_fields=fields)
        dates = [occurrence for occurrence, _rid in followed]
    for occurrence in dates:
        inherited = [
            name
            for name in SERIES_FIELDS
            if before[name] != getattr(series, name) and name not in occurrence.overridden_fields
        ]
        for name in inherited:
            setattr(occurrence, name, getattr(series, name))
        if inherited:
            occurrence.save(update_fields=[*inherited, "updated_at"])
    return changed_fields


def _occurrences_drop(dates: list[Meeting]) -> None:
    """Delete dates that are no part of a series any more; one with its own minutes or
    attendance is kept by refusing the change."""
    kept = [
        occurrence
        for occurrence in dates
        if occurrence.minutes.exists() or occurrence.attendances.exists()
    ]
    if kept:
        raise ValidationError(
            _(
                "The meeting of %(date)s has its own minutes or attendance and would no "
                "longer be a date of the series. Keep its date in the series."
            )
            % {"date": medium_datetime(kept[0].recurrence_id, tz=kept[0].timezone)},
            code="occurrence_kept",
        )
    for occurrence in dates:
        occurrence.delete()


def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    """Cancel a meeting: a CANCEL (same UID, higher SEQUENCE) to everyone invited and not
    declined; no reminders any more."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is already cancelled."))
        if locked.status == enums.MeetingStatus.HELD:
            raise ValidationError(_("This meeting was held; it cannot be cancelled."))
        if locked.recurrence_parent_id is not None:
            occurrence_cancel(
                meeting=locked.recurrence_parent, occurrence_start=locked.recurrence_id, by=by
            )
            locked.refresh_from_db()
            return locked
        if locked.consultation_round_id:
            round_require(locked.consultation_round, ROUND_CHANGE_SESSIONS)
        locked.status = enums.MeetingStatus.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "updated_at"])
        meeting_cancellations_enqueue(meeting=locked)
        meeting_tokens_revoke(meeting=locked)
    return locked


def occurrence_cancel(*, meeting: Meeting, occurrence_start: dt.datetime, by) -> Meeting:
    """Cancel one occurrence of a series (an EXDATE); the series is updated for everyone.
    A date that is a meeting of its own stays, cancelled (its agenda is kept)."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        moment = series_date_check(locked, occurrence_start)
        value = moment.isoformat()
        if value in locked.recurrence_exdates:
            raise ValidationError(_("That meeting of the series is already cancelled."))
        locked.occurrences.filter(recurrence_id=moment).update(
            status=enums.MeetingStatus.CANCELLED, overridden_fields=[], updated_at=timezone.now()
        )
        locked.recurrence_exdates = [*locked.recurrence_exdates, value]
        locked.sequence += 1
        locked.save(update_fields=["recurrence_exdates", "sequence", "updated_at"])
        meeting_updates_enqueue(meeting=locked)
    return locked


# Fields a date of a series may set for itself (the others are the series').
OCCURRENCE_OWN_FIELDS = ("starts_at", "ends_at", "title", "location", "online_url", "format")


def _like_series(series: Meeting, moment: dt.datetime) -> dict:
    """The fields of a meeting of ``series`` that starts at ``moment``: one of its dates, or
    the series that goes on from there after a split."""
    return {
        "working_group": series.working_group,
        "consultation_round": series.consultation_round,
        "title": series.title,
        "starts_at": moment,
        "ends_at": moment + (series.ends_at - series.starts_at),
        "timezone": series.timezone,
        "format": series.format,
        "location": series.location,
        "online_url": series.online_url,
        "status": series.status,
        "language": series.language,
        "capacity": series.capacity,
        "facilitator": series.facilitator,
        "reminder_offsets": series.reminder_offsets,
    }


def _occurrence_for_date(series: Meeting, moment: dt.datetime) -> Meeting:
    return Meeting(recurrence_parent=series, recurrence_id=moment, **_like_series(series, moment))


def _occurrences_create(series: Meeting, moments: list[dt.datetime]) -> list[Meeting]:
    """Create the dates ``moments`` of the (locked) series that are not meetings yet, each
    with a copy of the series' agenda as its own. Returns those created."""
    existing = set(
        series.occurrences.filter(recurrence_id__in=moments).values_list("recurrence_id", flat=True)
    )
    cancelled = {dt.datetime.fromisoformat(value) for value in series.recurrence_exdates}
    created = []
    for moment in dict.fromkeys(moments):
        if moment in existing or moment in cancelled:
            continue
        occurrence = _occurrence_for_date(series, moment)
        occurrence.save()
        agenda_copy_from(meeting=occurrence, source=series)
        created.append(occurrence)
    return created


def occurrence_ensure(*, series: Meeting, occurrence_start: dt.datetime) -> Meeting:
    """The meeting of one date of a series, created if it is not one yet (opening a date
    from the series' page). Idempotent: the series is locked and a database constraint
    allows one meeting per series date."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=series.pk)
        if locked.recurrence_parent_id is not None:
            raise ValidationError(_("This meeting does not repeat."))
        moment = series_date_check(locked, occurrence_start)
        found = locked.occurrences.filter(recurrence_id=moment).first()
        if found is not None:
            return found
        if moment.isoformat() in locked.recurrence_exdates:
            raise ValidationError(_("That meeting of the series is cancelled."), code="cancelled")
        if locked.status == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting was cancelled; it cannot be changed."))
        return _occurrences_create(locked, [moment])[0]


def series_occurrences_create_ahead(*, now: dt.datetime | None = None) -> int:
    """Create the dates of every live series that begin in the next
    ``settings.SERIES_OCCURRENCE_HORIZON_DAYS`` days (a daily django-q2 schedule). Running
    it twice creates nothing the second time. Returns how many were created."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=settings.SERIES_OCCURRENCE_HORIZON_DAYS)
    series_ids = list(
        Meeting.objects.filter(recurrence_parent__isnull=True, starts_at__lt=horizon)
        .exclude(recurrence_rule="")
        .exclude(status__in=[enums.MeetingStatus.CANCELLED, enums.MeetingStatus.HELD])
        .values_list("pk", flat=True)
    )
    created = 0
    for series_id in series_ids:
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().get(pk=series_id)
            moments = series_originals(locked, start=now, end=horizon)
            created += len(_occurrences_create(locked, moments))
    return created


def occurrence_move(
    *,
    meeting: Meeting,
    occurrence_start: dt.datetime,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str | None = None,
    by,
) -> Meeting:
    """Move one occurrence of a series (its own time, a RECURRENCE-ID exception); the
    series is updated for everyone. Returns the occurrence."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        moment = series_date_check(locked, occurrence_start)
        if moment.isoformat() in locked.recurrence_exdates:
            raise ValidationError(_("That meeting of the series is cancelled."))
        occurrence = (
            locked.occurrences.filter(recurrence_id=moment).first()
            or (_occurrences_create(locked, [moment])[0])
        )
        own = list(occurrence.overridden_fields)
        if starts_at != moment and "starts_at" not in own:
            own.append("starts_at")
        if ends_at - starts_at != locked.ends_at - locked.starts_at and "ends_at" not in own:
            own.append("ends_at")
        occurrence.starts_at = starts_at
        occurrence.ends_at = ends_at
        if location is not None:
            occurrence.location = single_line(location)
            if occurrence.location != locked.location and "location" not in own:
                own.append("location")
        occurrence.overridden_fields = own
        _validate(occurrence, is_new=True, confirm_long=False)
        occurrence.save(
            update_fields=["starts_at", "ends_at", "location", "overridden_fields", "updated_at"]
        )
        locked.sequence += 1
        locked.save(update_fields=["sequence", "updated_at"])
        meeting_updates_enqueue(meeting=locked)
    return occurrence


# --- Times proposed by invitees (iTIP COUNTER) ------------------------------------------------


def time_proposal_record(
    *,
    invitation: Invitation,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    comment: str = "",
    proposed_at: dt.datetime | None = None,
) -> TimeProposal:
    """Record another time an invitee proposed (shown to the facilitators on the meeting
    page). The same open proposal twice is recorded once."""
    now = timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
        invitation = Invitation.objects.get(pk=invitation.pk)
        if meeting.status in (enums.MeetingStatus.CANCELLED, enums.MeetingStatus.HELD):
            raise ValidationError(_("This meeting cannot be rescheduled any more."), code="closed")
        if meeting.recurrence_rule:
            raise ValidationError(
                _("A series is rescheduled from its edit page, not by a proposed time."),
                code="series",
            )
        if invitation.status not in ANSWERABLE:
            raise ValidationError(_("This invitation cannot propose a time."), code="status")
        if ends_at <= starts_at:
            raise ValidationError(_("The meeting must end after it starts."), code="order")
        if starts_at <= now:
            raise ValidationError(_("The proposed time is in the past."), code="past")
        existing = TimeProposal.objects.filter(
            invitation=invitation,
            starts_at=starts_at,
            ends_at=ends_at,
            status=enums.TimeProposalStatus.OPEN,
        ).first()
        if existing is not None:
            return existing
        return TimeProposal.objects.create(
            invitation=invitation,
            starts_at=starts_at,
            ends_at=ends_at,
            comment=comment.strip()[:2000],
            proposed_at=min(proposed_at or now, now),
        )


def _open_proposal(proposal: TimeProposal) -> TimeProposal:
    locked = (
        TimeProposal.objects.select_for_update()
        .select_related("invitation__contact")
        .get(pk=proposal.pk)
    )
    if locked.status != enums.TimeProposalStatus.OPEN:
        raise ValidationError(_("This proposal was already answered."), code="decided")
    return locked


def time_proposal_accept(*, proposal: TimeProposal, by) -> Meeting:
    """Reschedule the meeting to the proposed time (an update to every invitee, as any
    change of time)."""
    with transaction.atomic():
        locked = _open_proposal(proposal)
        meeting = meeting_update(
            meeting=locked.invitation.meeting,
            by=by,
            starts_at=locked.starts_at,
            ends_at=locked.ends_at,
        )
        locked.status = enums.TimeProposalStatus.ACCEPTED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return meeting


def time_proposal_decline(*, proposal: TimeProposal, by) -> TimeProposal:
    """Keep the meeting's time and tell the invitee's calendar (iTIP DECLINECOUNTER)."""
    with transaction.atomic():
        locked = _open_proposal(proposal)
        meeting = Meeting.objects.select_for_update().get(pk=locked.invitation.meeting_id)
        locked.status = enums.TimeProposalStatus.DECLINED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        invitation = locked.invitation
        invitation.meeting = meeting
        invitation_message_enqueue(
            invitation=invitation,
            kind=enums.OutboxKind.DECLINECOUNTER,
            sequence=locked.pk,
            time_proposal=locked,
        )
    return locked


# --- This date and the following ones ----------------------------------------------------------


def series_split(*, meeting: Meeting, occurrence_start: dt.datetime, by) -> Meeting:
    """Cut a series at one of its dates: the dates before it stay in ``meeting`` (an update
    to its invitees), that date and the following ones become a new series with the same
    settings, invitees and answers (each invitee receives it as a new calendar entry); the
    cancelled and moved dates go with the part they belong to. Returns the new series,
    which "this and the following dates" then changes like any meeting."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting was cancelled; it cannot be changed."))
        moment = series_date_check(locked, occurrence_start)
        if moment == locked.starts_at:
            raise ValidationError(
                _("This is the first date of the series: change the whole series instead."),
                code="first",
            )
        if moment.isoformat() in locked.recurrence_exdates:
            raise ValidationError(_("That meeting of the series is cancelled."))
        tz = ZoneInfo(locked.timezone)
        first_rule, rest_rule = series_split_rules(
            locked, moment.astimezone(tz).replace(tzinfo=None)
        )
        rest = Meeting.objects.create(
            **_like_series(locked, moment),
            recurrence_rule=rest_rule,
            recurrence_exdates=[
                value
                for value in locked.recurrence_exdates
                if dt.datetime.fromisoformat(value) > moment
            ],
        )
        locked.occurrences.filter(recurrence_id__gte=moment).update(recurrence_parent=rest)
        locked.recurrence_exdates = [
            value
            for value in locked.recurrence_exdates
            if dt.datetime.fromisoformat(value) < moment
        ]
        locked.recurrence_rule = first_rule
        went_out = locked.invitations.went_out().exists()
        if went_out:
            locked.sequence += 1
        locked.save(
            update_fields=["recurrence_rule", "recurrence_exdates", "sequence", "updated_at"]
        )
        now = timezone.now()
        copies = [
            Invitation(
                meeting=rest,
                contact_id=invitation.contact_id,
                status=invitation.status,
                waitlist_position=invitation.waitlist_position,
                holds_seat=invitation.holds_seat,
                sent_at=now if invitation.sent_at else None,
                answered_at=invitation.answered_at,
                comment=invitation.comment,
                participation_language=invitation.participation_language,
                needs_interpretation=invitation.needs_interpretation,
                accessibility_needs=invitation.accessibility_needs,
            )
            for invitation in locked.invitations.exclude(
                status__in=[enums.InvitationStatus.CANCELLED, enums.InvitationStatus.DELEGATED]
            )
        ]
        Invitation.objects.bulk_create(copies)
        for invitation in rest.invitations.filter(KEPT_INFORMED_Q).select_related("contact"):
            invitation.meeting = rest
            invitation_message_enqueue(invitation=invitation, kind=enums.OutboxKind.INVITATION)
        if went_out:
            meeting_updates_enqueue(meeting=locked)
    return rest


def series_following_change(
    *,
    meeting: Meeting,
    occurrence_start: dt.datetime,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by,
) -> Meeting:
    """ "This and the following dates": cut the series at that date (unless it is the first,
    then the whole series changes) and give the following part its new time."""
    with transaction.atomic():
        if series_date_check(meeting, occurrence_start) == meeting.starts_at:
            return meeting_update(meeting=meeting, by=by, starts_at=starts_at, ends_at=ends_at)
        rest = series_split(meeting=meeting, occurrence_start=occurrence_start, by=by)
        return meeting_update(meeting=rest, by=by, starts_at=starts_at, ends_at=ends_at)
