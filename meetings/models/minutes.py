"""Attendance, minutes (versioned), notes per agenda item and decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.models import Contact
from meetings import enums
from meetings.models.agendas import AgendaItem
from meetings.models.meetings import Meeting


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
    circulation_notified_at = models.DateTimeField(
        _("attendees notified at"), null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes",
        verbose_name=_("approved at meeting"),
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
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        help_text=_("Raised by every saved change; a save based on an older revision is merged."),
    )

    class Meta:
        verbose_name = pgettext_lazy("meeting record", "minutes")
        verbose_name_plural = pgettext_lazy("meeting record", "minutes")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="minutes_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="minutes_version_positive"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""),
                name="minutes_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(circulated_at__isnull=False)
                | Q(approved_at__isnull=False),
                name="minutes_circulated_has_date",
            ),
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


class MinutesComment(models.Model):
    """A comment of an attendee on circulated minutes, on one item or on the whole."""

    minutes = models.ForeignKey(
        Minutes,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=pgettext_lazy("meeting record", "minutes"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="minutes_comments",
        verbose_name=_("agenda item"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on the minutes")
        verbose_name_plural = _("comments on the minutes")
        ordering = ["minutes", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="minutes_comment_not_blank"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class MinutesExport(models.Model):
    """Minutes of several meetings exported at once (one PDF or a ZIP), built by a task."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    title = models.CharField(_("title"), max_length=300)
    meeting_ids = models.JSONField(_("meetings"), default=list)
    format = models.CharField(_("format"), max_length=10, choices=enums.ExportFormat.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=enums.ExportStatus.choices,
        default=enums.ExportStatus.PENDING,
    )
    file = models.FileField(_("file"), upload_to="exports/", blank=True, max_length=300)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes export")
        verbose_name_plural = _("minutes exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file=""), name="minutes_export_ready_has_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title
