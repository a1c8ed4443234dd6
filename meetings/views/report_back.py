"""The report back: the facilitator sends the final report from the report page; each
organisation consulted opens it through its personal link (no password)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from coordination.languages import link_page_language
from meetings.enums import MeetingStatus
from meetings.forms.report_back import ReportBackForm
from meetings.selectors.report_back import organisation_is_named
from meetings.services import report_back as services
from meetings.views.base import error_text, link_refused
from meetings.views.reports import ReportMixin


class ReportBackSendView(ReportMixin, View):
    def post(self, request, *args, **kwargs):
        form = ReportBackForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.overview()
        try:
            services.report_back_send(
                report=self.report, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("The report is being sent to every organisation consulted.")
            )
        return self.overview()


def _delivery(token):
    return services.report_back_from_token(token)


@method_decorator(never_cache, name="dispatch")
class ReportBackPageView(View):
    template_name = "meetings/report_back/page.html"

    def get(self, request, token):
        try:
            delivery = _delivery(token)
        except services.ReportBackTokenError as exc:
            return link_refused(request, self.template_name, exc)
        report = delivery.report_back.report
        round_ = report.consultation_round
        sessions = round_.sessions.exclude(status=MeetingStatus.CANCELLED).order_by("starts_at")
        language = link_page_language(request, delivery.contact.preferred_language)
        with translation.override(language):
            context = {
                "delivery": delivery,
                "round": round_,
                "text": delivery.report_back.text,
                "sessions": list(sessions),
                "token": token,
            }
            response = render(request, self.template_name, context)
        response.headers["Content-Language"] = language
        return response


@method_decorator(never_cache, name="dispatch")
class ReportBackDownloadView(View):
    """The PDF the token's contact may read: the copy without their organisation's name when
    it does not consent to be named (now, not only when the report was sent)."""

    template_name = "meetings/report_back/page.html"

    def get(self, request, token):
        try:
            delivery = _delivery(token)
        except services.ReportBackTokenError as exc:
            return link_refused(request, self.template_name, exc)
        if delivery.names_organisation and not organisation_is_named(delivery.contact.organisation):
            services.report_back_unnamed_copy_request(delivery=delivery)
            with translation.override(
                link_page_language(request, delivery.contact.preferred_language)
            ):
                context = {
                    "error": _("Your copy of the report is being prepared. Try again in a minute.")
                }
                response = render(request, self.template_name, context, status=503)
            response["Retry-After"] = "60"
            return response
        file = delivery.pdf if not delivery.names_organisation else delivery.version.pdf
        if not file or not file.storage.exists(file.name):
            with translation.override(
                link_page_language(request, delivery.contact.preferred_language)
            ):
                context = {"error": _("The file of this report is missing.")}
                return render(request, self.template_name, context, status=404)
        round_ = delivery.report_back.report.consultation_round
        slug = round_.slug or f"round-{round_.pk}"
        return FileResponse(
            file.open("rb"),
            as_attachment=True,
            filename=f"{slug}-report-{delivery.language}.pdf",
            content_type="application/pdf",
        )
