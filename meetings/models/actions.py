"""Action items and their history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.models import Contact, Organisation, TimeStamped
from meetings import enums
from meetings.models.agendas import AgendaItem
from meetings.models.meetings import Meeting


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
    reminded_on = models.DateField(_("last reminder sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["due_date", "id"], name="action_item_list_order"),
        ]
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
