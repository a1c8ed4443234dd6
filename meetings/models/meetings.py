"""Meetings (working-group meetings and round sessions), panel draws and invitations."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination import enums as coordination_enums
from coordination.models import ConsultationRound, TimeStamped, WorkingGroup
from meetings import enums


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@coordinator"


def default_reminder_offsets() -> list[int]:
    """Reminders before a meeting, in minutes: 7 days and 1 day."""
    return [7 * 24 * 60, 24 * 60]


class Meeting(TimeStamped):
    """A working-group meeting or a consultation-round session."""

    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("working group"),
    )
    consultation_round = models.ForeignKey(
        ConsultationRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=pgettext_lazy("consultation", "consultation round"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=enums.MeetingFormat.choices,
        default=enums.MeetingFormat.IN_PERSON,
    )
    location = models.CharField(_("address"), max_length=500, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.MeetingStatus.choices,
        default=enums.MeetingStatus.PLANNED,
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=coordination_enums.WorkingLanguage.choices,
        default=coordination_enums.WorkingLanguage.EN,
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_meetings",
        verbose_name=_("facilitator to contact"),
    )
    ical_uid = models.CharField(
        _("iCalendar UID"), max_length=255, unique=True, default=new_ical_uid
    )
    sequence = models.PositiveIntegerField(_("iCalendar sequence"), default=0)
    recurrence_rule = models.CharField(
        _("recurrence rule (RRULE)"), max_length=500, blank=True, help_text=_("e.g. FREQ=WEEKLY")
    )
    recurrence_exdates = models.JSONField(_("cancelled occurrences"), default=list, blank=True)
    recurrence_parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("series"),
    )
    recurrence_id = models.DateTimeField(_("original occurrence start"), null=True, blank=True)
    overridden_fields = models.JSONField(
        _("fields this date of the series set itself"),
        default=list,
        blank=True,
        help_text=_(
            "A date of a series follows the series' title, place, link and time unless it "
            "changed them itself; a date that changed nothing is no exception on the wire."
        ),
    )
    reminder_offsets = models.JSONField(
        _("reminders (minutes before)"), default=default_reminder_offsets, blank=True
    )
    answer_deadline = models.DateTimeField(
        _("answer by"),
        null=True,
        blank=True,
        help_text=_(
            "Round sessions: an invitation not answered by then goes to the next alternate."
        ),
    )
    agenda_published_at = models.DateTimeField(_("agenda published at"), null=True, blank=True)
    agenda_version = models.PositiveIntegerField(_("agenda version"), default=0)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(working_group__isnull=False) & Q(consultation_round__isnull=True))
                | (Q(working_group__isnull=True) & Q(consultation_round__isnull=False)),
                name="meeting_belongs_to_group_xor_round",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="meeting_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(recurrence_parent__isnull=True) | Q(recurrence_id__isnull=False),
                name="meeting_override_has_recurrence_id",
            ),
            models.UniqueConstraint(
                fields=["recurrence_parent", "recurrence_id"],
                condition=Q(recurrence_parent__isnull=False),
                name="meeting_one_occurrence_per_series_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_round_session(self) -> bool:
        return self.consultation_round_id is not None

    @property
    def is_occurrence(self) -> bool:
        """One date of a series, a meeting of its own (its agenda, minutes, answers)."""
        return self.recurrence_parent_id is not None

    @property
    def differs_from_series(self) -> bool:
        """Whether this date is an exception of its series (a RECURRENCE-ID event)."""
        return bool(self.overridden_fields)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
