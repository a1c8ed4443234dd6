"""Agenda items of a meeting."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.models import Contact, Question
from meetings import enums
from meetings.models.meetings import Meeting


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
        pgettext_lazy("duration", "planned minutes"), default=15, validators=[MinValueValidator(1)]
    )
    presenter = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presented_items",
        verbose_name=_("presenter"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=enums.AgendaItemKind.choices,
        default=enums.AgendaItemKind.TOPIC,
        help_text=_(
            "“Review of open action items” is filled in automatically when the agenda is published."
        ),
    )
    questions = models.ManyToManyField(
        Question, blank=True, related_name="agenda_items", verbose_name=_("survey questions")
    )
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        help_text=_("Raised by every saved change; a save based on an older revision is merged."),
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


def attachment_upload_to(instance, filename: str) -> str:
    # The stored name is chosen by the service (random, with the extension of the detected type).
    return f"agenda/{instance.agenda_item.meeting_id}/{filename}"


class AgendaAttachment(models.Model):
    """A file attached to an agenda item. Its type was detected from its content (see
    ``meetings.files``), never from its name."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("agenda item"),
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["agenda_item", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="agenda_attachment_not_empty"),
            models.CheckConstraint(
                condition=~Q(original_name=""), name="agenda_attachment_has_name"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class AgendaVersion(models.Model):
    """A published version of a meeting's agenda, kept as it was: ``items`` is a snapshot
    (position, title, purpose, planned minutes, description, presenter, question numbers)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_versions", verbose_name=_("meeting")
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    items = models.JSONField(_("items"), default=list)

    class Meta:
        verbose_name = _("agenda version")
        verbose_name_plural = _("agenda versions")
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="agenda_version_unique_per_meeting"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="agenda_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – v{self.number}"
