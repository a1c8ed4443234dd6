"""Panel draws as recorded: the reproducible input and output of a draw."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination import dates
from coordination.models import ConsultationRound
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
    round_draw = models.ForeignKey(
        "RoundDraw",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="session_draws",
        verbose_name=_("round draw"),
    )
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
        return f"{self.meeting} – {dates.short_datetime(self.created_at)}"


class RoundDraw(models.Model):
    """The recorded joint draw of every session of a consultation round: its input (sessions,
    targets, seed and the commitment announced before it), the method that ran, the
    probabilities and explanation. A redraw keeps the earlier draw (``is_current`` false) and
    carries a written reason."""

    consultation_round = models.ForeignKey(
        ConsultationRound,
        on_delete=models.CASCADE,
        related_name="draws",
        verbose_name=pgettext_lazy("consultation", "consultation round"),
    )
    sessions = models.JSONField(pgettext_lazy("consultation", "sessions"), default=list)
    targets = models.JSONField(_("targets"), default=list, blank=True)
    must_invite = models.JSONField(_("must-invite organisations"), default=list, blank=True)
    exclusions = models.JSONField(_("exclusion rules"), default=dict, blank=True)
    seed = models.BigIntegerField(_("random seed"))
    seed_commitment = models.TextField(
        _("seed announced in advance"),
        blank=True,
        help_text=_("The public value or commitment the seed was fixed from before the draw."),
    )
    method = models.CharField(_("method"), max_length=20)
    fallback_reason = models.CharField(_("why the faster method ran"), max_length=20, blank=True)
    pool_size = models.PositiveIntegerField(_("pool size"))
    explanation = models.JSONField(_("explanation"), default=dict)
    reason = models.TextField(_("reason for the redraw"), blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaces the draw"),
    )
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
        verbose_name = _("round draw")
        verbose_name_plural = _("round draws")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation_round"],
                condition=Q(is_current=True),
                name="round_draw_one_current",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(reason=""),
                name="round_redraw_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_round} – {dates.short_datetime(self.created_at)}"
