"""The when and what happened: meetings, invitations, agendas, attendance, minutes, decisions
and action items. ``meetings`` depends on ``coordination``; never the reverse."""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination import enums as coordination_enums
from coordination.models import (
    ConsultationRound,
    Contact,
    Organisation,
    Question,
    TimeStamped,
    WorkingGroup,
)
from meetings import enums


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@coordinator"


def new_token_nonce() -> str:
    return secrets.token_hex(8)


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
        related_name="overrides",
        verbose_name=_("series"),
    )
    recurrence_id = models.DateTimeField(_("original occurrence start"), null=True, blank=True)
    reminder_offsets = models.JSONField(
        _("reminders (minutes before)"), default=default_reminder_offsets, blank=True
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
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_round_session(self) -> bool:
        return self.consultation_round_id is not None

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class PanelDraw(models.Model):
    """A recorded, reproducible draw of invitees for one round session. A redraw keeps the
    earlier draws (``is_current`` false) for the record."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="panel_draws",
        verbose_name=pgettext_lazy("consultation", "session"),
    )
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    criteria = models.JSONField(_("balance criteria"), default=list, blank=True)
    exclusions = models.JSONField(_("exclusion rules"), default=dict, blank=True)
    must_invite = models.JSONField(_("must-invite organisations"), default=list, blank=True)
    seed = models.BigIntegerField(_("random seed"))
    pool_size = models.PositiveIntegerField(_("pool size"))
    panel = models.JSONField(_("panel"), default=list)
    waitlist = models.JSONField(_("waitlist"), default=list)
    explanation = models.JSONField(_("explanation"), default=dict)
    is_current = models.BooleanField(_("current"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel draw")
        verbose_name_plural = _("panel draws")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(is_current=True), name="panel_draw_one_current"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="panel_draw_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(TimeStamped):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("contact")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.InvitationStatus.choices,
        default=enums.InvitationStatus.DRAFTED,
    )
    token_nonce = models.CharField(
        _("RSVP token nonce"),
        max_length=32,
        default=new_token_nonce,
        help_text=_("Part of the signed RSVP link; a new value revokes old links."),
    )
    waitlist_position = models.PositiveSmallIntegerField(
        _("waitlist position"), null=True, blank=True
    )
    panel_draw = models.ForeignKey(
        PanelDraw,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("panel draw"),
    )
    delegated_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegates",
        verbose_name=_("delegated by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    participation_language = models.CharField(
        _("language of participation"),
        max_length=5,
        choices=coordination_enums.WorkingLanguage.choices,
        blank=True,
    )
    needs_interpretation = models.BooleanField(_("needs interpretation"), default=False)
    accessibility_needs = models.TextField(
        _("accessibility needs"), blank=True, help_text=_("Erased once the meeting is over.")
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "waitlist_position", "contact__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "contact"], name="invitation_one_per_contact_and_meeting"
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="invitation_waitlist_position_iff_waitlisted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.name} → {self.meeting}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    title_alt = models.CharField(_("title (second language)"), max_length=300, blank=True)
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=enums.AgendaPurpose.choices,
        default=enums.AgendaPurpose.DISCUSSION,
    )
    description = models.TextField(_("description"), blank=True)
    description_alt = models.TextField(_("description (second language)"), blank=True)
    planned_minutes = models.PositiveSmallIntegerField(
        _("planned minutes"), default=15, validators=[MinValueValidator(1)]
    )
    presenter = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presented_items",
        verbose_name=_("presenter"),
    )
    questions = models.ManyToManyField(
        Question, blank=True, related_name="agenda_items", verbose_name=_("survey questions")
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(planned_minutes__gte=1), name="agenda_item_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("contact")
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=enums.AttendanceStatus.choices
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "contact__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "contact"], name="attendance_one_per_contact_and_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.name}: {self.get_status_display()}"


class Minutes(models.Model):
    """One version of a meeting's minutes. Approved versions are locked; a correction is a new
    version with who, when and why."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.MinutesStatus.choices,
        default=enums.MinutesStatus.DRAFT,
    )
    circulated_at = models.DateTimeField(_("circulated at"), null=True, blank=True)
    comments_due = models.DateTimeField(_("comments due"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("meeting record", "minutes")
        verbose_name_plural = pgettext_lazy("meeting record", "minutes")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="minutes_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="minutes_version_positive"),
            models.CheckConstraint(
                condition=(Q(status="approved") & Q(approved_at__isnull=False))
                | (~Q(status="approved") & Q(approved_at__isnull=True)),
                name="minutes_approved_iff_approved_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – v{self.version}"


class MinutesNote(models.Model):
    minutes = models.ForeignKey(
        Minutes,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=pgettext_lazy("meeting record", "minutes"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="notes", verbose_name=_("agenda item")
    )
    text = models.TextField(_("notes (Markdown)"), blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "agenda_item"], name="minutes_note_one_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} – {self.agenda_item.title}"


class Decision(models.Model):
    minutes = models.ForeignKey(
        Minutes,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=pgettext_lazy("meeting record", "minutes"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    text = models.TextField(_("decision"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["minutes", "agenda_item__position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="decision_text_not_blank"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(TimeStamped):
    description = models.TextField(_("description"))
    owner_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (person)"),
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner (organisation)"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.ActionStatus.choices,
        default=enums.ActionStatus.OPEN,
    )
    origin_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("origin meeting"),
    )
    origin_agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("origin agenda item"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_contact__isnull=False) | Q(owner_organisation__isnull=False),
                name="action_item_has_owner",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["done", "dropped"]) & Q(closed_at__isnull=False))
                | (Q(status__in=["open", "in_progress"]) & Q(closed_at__isnull=True)),
                name="action_item_closed_iff_closed_at",
            ),
            models.CheckConstraint(
                condition=~Q(description=""), name="action_item_description_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in (enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS)


class ActionItemEvent(models.Model):
    """The history of an action item: creation, status changes, comments, reviews."""

    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="events", verbose_name=_("action item")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=enums.ActionEventKind.choices)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=enums.ActionStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=20, choices=enums.ActionStatus.choices, blank=True
    )
    text = models.TextField(_("text"), blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_item_events",
        verbose_name=_("meeting"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action item event")
        verbose_name_plural = _("action item events")
        ordering = ["action_item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action_item}: {self.get_kind_display()}"
