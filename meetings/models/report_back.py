"""The report back: once a round's report is final, the facilitator tells every organisation
consulted in the round what was done with its input, and sends it the report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coordination import enums as coordination_enums
from coordination.models import Contact
from meetings.models.invitations import Invitation
from meetings.models.reports import Report, ReportVersion


def report_back_file_path(instance: "ReportBackDelivery", filename: str) -> str:
    return f"reports/report-back-{instance.report_back_id}/{filename}"


class ReportBack(models.Model):
    """The "what we did with your input" text of a report and when it was sent."""

    report = models.OneToOneField(
        Report, on_delete=models.CASCADE, related_name="report_back", verbose_name=_("report")
    )
    text = models.TextField(_("what we did with your input"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("report back")
        verbose_name_plural = _("reports back")

    def __str__(self) -> str:
        return str(self.report)


class ReportBackDelivery(models.Model):
    """The report as sent to one contact: which final version, in which language, and the
    copy that does not name their organisation when it does not consent to be named."""

    report_back = models.ForeignKey(
        ReportBack,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("report back"),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="report_back_deliveries",
        verbose_name=_("invitation"),
        help_text=_("The invitation whose personal link opens the report."),
    )
    version = models.ForeignKey(
        ReportVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=coordination_enums.InterfaceLanguage.choices
    )
    names_organisation = models.BooleanField(_("names the organisation"), default=True)
    pdf = models.FileField(
        _("PDF without the organisation's name"),
        upload_to=report_back_file_path,
        max_length=300,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report sent to a contact")
        verbose_name_plural = _("reports sent to contacts")
        ordering = ["report_back", "contact__organisation__name", "contact__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_back", "contact"], name="report_back_once_per_contact"
            ),
            models.CheckConstraint(
                condition=models.Q(names_organisation=True) | ~models.Q(pdf=""),
                name="report_back_unnamed_has_its_copy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_back} → {self.contact}"
