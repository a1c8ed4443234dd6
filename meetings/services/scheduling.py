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

from meetings import enums
from meetings.models import Invitation, Meeting, TimeProposal
from meetings.recurrence import (
    recurrence_rule_validate,
    series_date_check,
    series_exceptions_follow,
    series_split_rules,
)
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
        before = {name: getattr(locked, name) for name in (*SERIES_FIELDS, *TIME_FIELDS)}
        for name, value in changes.items():
            setattr(locked, name, value if value is not None or name == "capacity" else "")
        _validate(locked, is_new=False, confirm_long=confirm_long)
        update_fields = [*changes, "updated_at"]
        if locked.recurrence_rule and before["recurrence_rule"]:
            update_fields += _series_exceptions_follow(locked, before)
        if notified and locked.invitations.went_out().exists():
            locked.sequence += 1
            update_fields.append("sequence")
        locked.save(update_fields=update_fields)
        if "sequence" in update_fields:
            meeting_updates_enqueue(meeting=locked, time_changed=time_changed)
    return locked


def _series_exceptions_follow(series: Meeting, before: dict) -> list[str]:
    """After a change of a series: its cancelled and moved dates follow a change of time
    (their EXDATE and RECURRENCE-ID move with the series, so none comes back and none shows
    twice), and its moved dates take a new title, place, link, format or time zone unless
    they had changed that field themselves. Returns the series' fields changed here."""
    time_changed = any(before[name] != getattr(series, name) for name in TIME_FIELDS)
    overrides = list(series.overrides.all())
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
        moved = follow(values=[override.recurrence_id for override in overrides])
        old_length = before["ends_at"] - before["starts_at"]
        for override, recurrence_id in zip(overrides, moved, strict=True):
            if recurrence_id is None:
                override.delete()  # that date is no part of the new series
                continue
            fields = ["recurrence_id", "updated_at"]
            if (
                override.starts_at == override.recurrence_id
                and override.ends_at - override.starts_at == old_length
            ):
                # Only its place or link had changed: its time follows the series.
                override.starts_at = recurrence_id
                override.ends_at = recurrence_id + (series.ends_at - series.starts_at)
                fields += ["starts_at", "ends_at"]
            override.recurrence_id = recurrence_id
            override.save(update_fields=fields)
        overrides = [o for o, rid in zip(overrides, moved, strict=True) if rid is not None]
    for override in overrides:
        inherited = [
            name
            for name in SERIES_FIELDS
            if before[name] != getattr(series, name) and getattr(override, name) == before[name]
        ]
        for name in inherited:
            setattr(override, name, getattr(series, name))
        if inherited:
            override.save(update_fields=[*inherited, "updated_at"])
    return changed_fields


def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    """Cancel a meeting: a CANCEL (same UID, higher SEQUENCE) to everyone invited and not
    declined; no reminders any more."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == enums.MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting is already cancelled."))
        if locked.status == enums.MeetingStatus.HELD:
            raise ValidationError(_("This meeting was held; it cannot be cancelled."))
        locked.status = enums.MeetingStatus.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "updated_at"])
        meeting_cancellations_enqueue(meeting=locked)
        meeting_tokens_revoke(meeting=locked)
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
            override.location = single_line(location)
        _validate(override, is_new=True, confirm_long=False)
        override.save()
        locked.sequence += 1
        locked.save(update_fields=["sequence", "updated_at"])
        meeting_updates_enqueue(meeting=locked)
    return override


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
            working_group=locked.working_group,
            consultation_round=locked.consultation_round,
            title=locked.title,
            starts_at=moment,
            ends_at=moment + (locked.ends_at - locked.starts_at),
            timezone=locked.timezone,
            format=locked.format,
            location=locked.location,
            online_url=locked.online_url,
            status=locked.status,
            language=locked.language,
            capacity=locked.capacity,
            facilitator=locked.facilitator,
            recurrence_rule=rest_rule,
            recurrence_exdates=[
                value
                for value in locked.recurrence_exdates
                if dt.datetime.fromisoformat(value) > moment
            ],
            reminder_offsets=locked.reminder_offsets,
        )
        locked.overrides.filter(recurrence_id__gte=moment).update(recurrence_parent=rest)
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
