"""Feedback after a session: who was asked and whether they answered (personal), and the
answers themselves, kept apart from any person (anonymous)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.models import ConsultationRound
from meetings.models.invitations import Invitation
from meetings.models.meetings import Meeting


class FeedbackRequest(models.Model):
    """An attendee asked for feedback on a session. Records that they answered, never what."""

    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.CASCADE,
        related_name="feedback_request",
        verbose_name=_("invitation"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")

    def __str__(self) -> str:
        return str(self.invitation.meeting)


class FeedbackAnswer(models.Model):
    """One attendee's feedback on a session, with no link to who gave it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("meeting")
    )
    ratings = models.JSONField(_("ratings"), default=dict)  # question key → "yes" | "partly" | "no"
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=5)
    submitted_on = models.DateField(_("submitted on"))  # a day, not a moment: no re-identifying

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")

    def __str__(self) -> str:
        return str(self.meeting)


class FeedbackQuestionnaire(models.Model):
    """A round's own wording of the feedback questions (question key → language → text);
    without one, or for a missing text, the default wording in the reader's language."""

    consultation_round = models.OneToOneField(
        ConsultationRound,
        on_delete=models.CASCADE,
        related_name="feedback_questionnaire",
        verbose_name=pgettext_lazy("consultation", "consultation round"),
    )
    texts = models.JSONField(_("wording"), default=dict, blank=True)

    class Meta:
        verbose_name = _("feedback questionnaire")
        verbose_name_plural = _("feedback questionnaires")

    def __str__(self) -> str:
        return str(self.consultation_round)
