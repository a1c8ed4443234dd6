"""Panel draws as recorded: the reproducible input and output of a draw."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models.meetings import Meeting


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
