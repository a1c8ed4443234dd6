"""Forms of scheduling and invitations (pages). They parse and validate input; the rules that
the API shares live in ``meetings.services.scheduling`` and ``meetings.services.invitations``."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.enums import WorkingLanguage
from coordination.widgets import DateInput, TimeInput
from meetings import enums, recurrence

REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    ("weekly", _("Every week or every N weeks")),
    ("monthly", _("Monthly on the Nth weekday")),
]


RANK_CHOICES = [
    (1, _("first")),
    (2, _("second")),
    (3, _("third")),
    (4, _("fourth")),
    (-1, _("last")),
]


def _parse_reminders(value: str) -> list[int]:
    days = []
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            number = float(part)
        except ValueError as exc:
            raise ValidationError(
                _("Give the reminders as days before the meeting, e.g. “7, 1”.")
            ) from exc
        if not 0 < number <= 60:
            raise ValidationError(_("Reminders are between 0 and 60 days before the meeting."))
        days.append(round(number * 24 * 60))
    return sorted(set(days), reverse=True)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    timezone_name = forms.CharField(label=_("Time zone"), initial=settings.TIME_ZONE, max_length=64)
    format = forms.ChoiceField(label=_("Format"), choices=enums.MeetingFormat.choices)
    location = forms.CharField(label=_("Address"), max_length=500, required=False)
    online_url = forms.CharField(label=_("Online meeting link"), max_length=500, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=WorkingLanguage.choices)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, required=False)
    interval = forms.IntegerField(
        label=_("Every N weeks"), min_value=1, max_value=52, initial=1, required=False
    )
    rank = forms.TypedChoiceField(
        label=_("Which weekday of the month"), choices=RANK_CHOICES, coerce=int, required=False
    )
    count = forms.IntegerField(
        label=_("Number of meetings"), min_value=1, max_value=200, required=False
    )
    reminders = forms.CharField(
        label=_("Reminders (days before)"), initial="7, 1", required=False, max_length=100
    )
    confirm_long = forms.BooleanField(
        label=_("I confirm this consultation session may last longer than half a day"),
        required=False,
    )

    def __init__(self, *args, is_round_session: bool, is_occurrence: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_round_session = is_round_session
        # A date of a series repeats with its series: its repetition is the series'.
        self.repeats = not (is_round_session or is_occurrence)
        if not self.repeats:
            for name in ("repeat", "interval", "rank", "count"):
                del self.fields[name]
        if not is_round_session:
            del self.fields["confirm_long"]

    def clean_reminders(self):
        return _parse_reminders(self.cleaned_data.get("reminders", ""))

    def clean(self):
        data = super().clean()
        tzid = data.get("timezone_name") or settings.TIME_ZONE
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            for key, field_name, moment in (
                ("starts_at", "start_time", start),
                ("ends_at", "end_time", end),
            ):
                try:
                    data[key] = recurrence.aware_from_local(dt.datetime.combine(day, moment), tzid)
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):  # an unknown time zone
                        if "timezone_name" not in self.errors:
                            self.add_error("timezone_name", exc.error_dict["timezone"])
                    else:
                        self.add_error(field_name, exc)
        repeat = data.get("repeat")
        data["recurrence_rule"] = ""
        if repeat and day:
            weekday = recurrence.WEEKDAYS[day.weekday()]
            try:
                data["recurrence_rule"] = recurrence.recurrence_rule_build(
                    frequency=repeat,
                    interval=data.get("interval") or 1,
                    weekday_ordinal=data.get("rank") if repeat == "monthly" else None,
                    weekday=weekday if repeat == "monthly" else None,
                    count=data.get("count"),
                )
            except ValidationError as exc:
                self.add_error("repeat", exc)
        return data

    def meeting_fields(self) -> dict:
        """The meeting's fields as ``meeting_create`` and ``meeting_update`` take them (a
        round session has no recurrence; a date of a series has its series')."""
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "timezone": data["timezone_name"],
            "format": data["format"],
            "location": data["location"],
            "online_url": data["online_url"],
            "language": data["language"],
            "capacity": data["capacity"],
            "reminder_offsets": data["reminders"],
        }
        if self.repeats:
            fields["recurrence_rule"] = data.get("recurrence_rule", "")
        return fields

    @classmethod
    def initial_from(cls, meeting) -> dict:
        tz = ZoneInfo(meeting.timezone)
        start = meeting.starts_at.astimezone(tz)
        end = meeting.ends_at.astimezone(tz)
        initial = {
            "title": meeting.title,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "timezone_name": meeting.timezone,
            "format": meeting.format,
            "location": meeting.location,
            "online_url": meeting.online_url,
            "language": meeting.language,
            "capacity": meeting.capacity,
            "reminders": ", ".join(
                f"{m / 1440:g}" for m in sorted(meeting.reminder_offsets or [], reverse=True)
            ),
        }
        rule = dict(
            part.split("=", 1) for part in meeting.recurrence_rule.split(";") if "=" in part
        )
        if rule:
            initial["repeat"] = rule.get("FREQ", "").lower()
            initial["interval"] = int(rule.get("INTERVAL", 1))
            initial["count"] = int(rule["COUNT"]) if "COUNT" in rule else None
            byday = rule.get("BYDAY", "")
            if byday[:-2]:
                initial["rank"] = int(byday[:-2])
        return initial


class OccurrenceForm(forms.Form):
    """The buttons of one date of a series, on that date's page: cancel it, move it, or
    give it and the following dates a new time (the date itself is the page's)."""

    ACTIONS = [
        ("cancel", pgettext_lazy("occurrence", "Cancel")),
        ("move", _("Move")),
        ("following", _("New time for this and the following dates")),
    ]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    new_date = forms.DateField(label=_("New date"), required=False, widget=DateInput())
    new_start = forms.TimeField(label=_("New start"), required=False, widget=TimeInput())
    new_end = forms.TimeField(label=_("New end"), required=False, widget=TimeInput())

    def __init__(self, *args, occurrence, **kwargs):
        super().__init__(*args, **kwargs)
        self.occurrence = occurrence

    @classmethod
    def initial_from(cls, occurrence) -> dict:
        tz = ZoneInfo(occurrence.timezone)
        start, end = occurrence.starts_at.astimezone(tz), occurrence.ends_at.astimezone(tz)
        return {"new_date": start.date(), "new_start": start.time(), "new_end": end.time()}

    def clean(self):
        data = super().clean()
        tzid = self.occurrence.timezone
        if data.get("action") == "following" and not data.get("new_date"):
            # The following dates keep their days unless a new first date is given.
            original = self.occurrence.recurrence_id.astimezone(ZoneInfo(tzid))
            data["new_date"] = original.date()
        if data.get("action") in ("move", "following"):
            if not (data.get("new_date") and data.get("new_start") and data.get("new_end")):
                raise ValidationError(_("Give the new date, start and end."))
            for key, name in (("starts_at", "new_start"), ("ends_at", "new_end")):
                try:
                    data[key] = recurrence.aware_from_local(
                        dt.datetime.combine(data["new_date"], data[name]), tzid
                    )
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data


class ConflictCheckForm(forms.Form):
    """The date and times of the meeting form, read before saving to warn of conflicts."""

    date = forms.DateField()
    start_time = forms.TimeField()
    end_time = forms.TimeField()
    timezone_name = forms.CharField(max_length=64, required=False)

    def clean(self):
        data = super().clean()
        tzid = data.get("timezone_name") or settings.TIME_ZONE
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            try:
                data["starts_at"] = recurrence.aware_from_local(
                    dt.datetime.combine(day, start), tzid
                )
                data["ends_at"] = recurrence.aware_from_local(dt.datetime.combine(day, end), tzid)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
            data["timezone_name"] = tzid
        return data
