"""Time polls: the slots a facilitator proposes for a meeting before it is fixed, and the
invitees' yes / if need be / no for each."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coordination import dates
from coordination.models import TimeStamped
from meetings import enums
from meetings.models.invitations import Invitation
from meetings.models.meetings import Meeting


class TimePollQuerySet(models.QuerySet):
    def open(self) -> "TimePollQuerySet":
        """The polls still open: no slot chosen yet (``TimePoll.is_open``)."""
        return self.filter(closed_at__isnull=True)


class TimePoll(TimeStamped):
    """One poll per meeting. Its invitees are the meeting's invitations (drafted: they go out
    when the facilitator picks a slot). Open until a slot is chosen."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="time_poll", verbose_name=_("meeting")
    )
    deadline = models.DateTimeField(_("answers due by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    chosen_slot = models.OneToOneField(
        "TimePollSlot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen slot"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = TimePollQuerySet.as_manager()

    class Meta:
        verbose_name = _("time poll")
        verbose_name_plural = _("time polls")
        constraints = [
            models.CheckConstraint(
                condition=Q(chosen_slot__isnull=True) | Q(closed_at__isnull=False),
                name="time_poll_chosen_slot_closes_it",
            )
        ]

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class TimePollSlot(models.Model):
    poll = models.ForeignKey(
        TimePoll, on_delete=models.CASCADE, related_name="slots", verbose_name=_("time poll")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    long_confirmed = models.BooleanField(_("longer than half a day, confirmed"), default=False)

    class Meta:
        verbose_name = _("proposed slot")
        verbose_name_plural = _("proposed slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="time_poll_slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["poll", "starts_at", "ends_at"], name="time_poll_slot_once"
            ),
        ]

    def __str__(self) -> str:
        times = dates.time_range(self.starts_at, self.ends_at)
        return f"{dates.short_date(self.starts_at)}, {times}"


class TimePollAnswer(models.Model):
    slot = models.ForeignKey(
        TimePollSlot, on_delete=models.CASCADE, related_name="answers", verbose_name=_("slot")
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="time_poll_answers",
        verbose_name=_("invitation"),
    )
    choice = models.CharField(_("answer"), max_length=12, choices=enums.PollChoice.choices)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("time poll answer")
        verbose_name_plural = _("time poll answers")
        constraints = [
            models.UniqueConstraint(fields=["slot", "invitation"], name="time_poll_answer_once"),
            models.CheckConstraint(
                condition=Q(choice__in=enums.PollChoice.values), name="time_poll_answer_choice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot}: {self.choice}"
