"""Agenda items of a meeting."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
