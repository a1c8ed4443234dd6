"""Scheduling: create, change and cancel meetings and occurrences of a series.

Times are entered as local wall-clock times of the meeting's time zone (Europe/Brussels by
default) and stored aware. A change of time, place or link of a meeting whose invitations
went out increments its iCalendar SEQUENCE and writes an update (or, for a cancellation, a
CANCEL) for everyone invited and not declined, in the same transaction (see the outbox in
``meetings.emails``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.rules import ROUND_ADD_SESSION, ROUND_CHANGE_SESSIONS, round_require
from meetings import enums
from meetings.models import Meeting
from meetings.recurrence import recurrence_rule_validate, series_date_check
from meetings.services.invitations import (
    meeting_cancellations_enqueue,
    meeting_updates_enqueue,
    seats_taken,
)

# Fields whose change is news to the invitees (an iTIP update).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "location", "online_url", "format", "title")
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
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        format=format,
        location=location or "",
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
    sends an update (same UID, SEQUENCE + 1) to everyone invited and not declined."""
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
        if changes.get("status") == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("Use “cancel meeting” to cancel it."))
        notified = any(
            name in changes and getattr(locked, name) != changes[name] for name in NOTIFIED_FIELDS
        ) or ("recurrence_rule" in changes and changes["recurrence_rule"] != locked.recurrence_rule)
        for name, value in changes.items():
            setattr(locked, name, value if value is not None or name == "capacity" else "")
        _validate(locked, is_new=False, confirm_long=confirm_long)
        update_fields = [*changes, "updated_at"]
        if notified and locked.invitations.went_out().exists():
            locked.sequence += 1
            update_fields.append("sequence")
        locked.save(update_fields=update_fields)
        if "sequence" in update_fields:
            meeting_updates_enqueue(meeting=locked)
    return locked


def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    """Cancel a meeting: a CANCEL (same UID, higher SEQUENCE) to everyone invited and not
    declined; no reminders any more."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is already cancelled."))
        if locked.status == enums.MeetingStatus.HELD:
            raise ValidationError(_("This meeting was held; it cannot be cancelled."))
        if locked.consultation_round_id:
            round_require(locked.consultation_round, ROUND_CHANGE_SESSIONS)
        locked.status = enums.MeetingStatus.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "updated_at"])
        meeting_cancellations_enqueue(meeting=locked)
    return locked


def occurrence_cancel(*, meeting: Meeting, occurrence_start: dt.datetime, by) -> Meeting:
    """Cancel one occurrence of a series (an EXDATE); the series is updated for everyone."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        moment = series_date_check(locked, occurrence_start)
        value = moment.isoformat()
        if value in locked.recurrence_exdates:
            raise ValidationError(_("That meeting of the series is already cancelled."))
        locked.overrides.filter(recurrence_id=moment).delete()
        locked.recurrence_exdates = [*locked.recurrence_exdates, value]
        locked.sequence += 1
        locked.save(update_fields=["recurrence_exdates", "sequence", "updated_at"])
        meeting_updates_enqueue(meeting=locked)
    return locked


def occurrence_move(
    *,
    meeting: Meeting,
    occurrence_start: dt.datetime,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str | None = None,
    by,
) -> Meeting:
    """Move one occurrence of a series (an override with RECURRENCE-ID)."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        moment = series_date_check(locked, occurrence_start)
        if moment.isoformat() in locked.recurrence_exdates:
            raise ValidationError(_("That meeting of the series is cancelled."))
        override = locked.overrides.filter(recurrence_id=moment).first() or Meeting(
            working_group=locked.working_group,
            recurrence_parent=locked,
            recurrence_id=moment,
            title=locked.title,
            timezone=locked.timezone,
            format=locked.format,
            location=locked.location,
            online_url=locked.online_url,
            language=locked.language,
            capacity=locked.capacity,
            facilitator=locked.facilitator,
            reminder_offsets=locked.reminder_offsets,
        )
        override.starts_at = starts_at
        override.ends_at = ends_at
        if location is not None:
            override.location = location
        _validate(override, is_new=True, confirm_long=False)
        override.save()
        locked.sequence += 1
        locked.save(update_fields=["sequence", "updated_at"])
        meeting_updates_enqueue(meeting=locked)
    return override
