"""Pages of the consultation report: overview with progress and versions, section editor,
HTML preview and downloads. Only the team and the round's facilitators (rules)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from coordination.models import ConsultationRound
from coordination.private_files import private_file_response
from meetings.formats import report as render
from meetings.forms import reports as forms
from meetings.models import ReportVersion
from meetings.selectors import reports as data
from meetings.services import reports as services


class ReportMixin(LoginRequiredMixin):
    """Loads the round (404) and checks ``meetings.manage_report`` (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.round = get_object_or_404(ConsultationRound, pk=kwargs["round_pk"])
        if not request.user.has_perm("meetings.manage_report", self.round):
            raise PermissionDenied
        self.report = services.report_get_or_create(
            consultation_round=self.round, language=request.user.preferred_language
        )
        return super().dispatch(request, *args, **kwargs)

    def overview(self):
        return redirect("round-report", round_pk=self.round.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round"] = self.round
        context["report"] = self.report
        return context


class ReportOverviewView(ReportMixin, TemplateView):
    template_name = "meetings/reports/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.report.jobs.select_related("result").first()
        context["job"] = job
        context["running"] = bool(job and job.is_running)
        context["versions"] = list(
            self.report.versions.select_related("created_by__contact", "based_on").defer(
                "snapshot", "sections"
            )
        )
        context["generate_form"] = forms.ReportGenerateForm(
            initial={"language": self.report.language}
        )
        context["sections"] = list(self.report.sections.all())
        return context


class ReportGenerateView(ReportMixin, View):
    def post(self, request, *args, **kwargs):
        form = forms.ReportGenerateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the offered languages."))
            return self.overview()
        try:
            if form.cleaned_data["language"] != self.report.language:
                services.report_language_set(
                    report=self.report, language=form.cleaned_data["language"]
                )
            services.report_generate(report=self.report, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The report is being generated."))
        return self.overview()


class ReportSectionsView(ReportMixin, TemplateView):
    template_name = "meetings/reports/sections.html"

    def get_form(self):
        services.report_sections_sync(report=self.report)
        sections = self.report.sections.all()
        if self.request.method == "POST":
            return forms.ReportSectionsForm(self.request.POST, sections=sections)
        return forms.ReportSectionsForm(sections=sections)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            changed = services.report_sections_update(
                report=self.report, texts=form.texts(), user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.overview()
        messages.success(
            request,
            ngettext("%(count)s section saved.", "%(count)s sections saved.", changed)
            % {"count": changed},
        )
        return self.overview()


class ReportPreviewView(ReportMixin, TemplateView):
    """The report as a page: from the current data and texts, or from a stored version."""

    template_name = "meetings/reports/preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.kwargs.get("number")
        if number is None:
            sections = [
                {"key": s.key, "kind": s.kind, "title": s.title, "text": s.text}
                for s in services.report_sections_sync(report=self.report)
            ]
            snapshot = data.report_data(
                consultation_round=self.round, language=self.report.language
            )
            version, is_final = None, False
        else:
            stored = get_object_or_404(self.report.versions, number=number)
            snapshot, sections = stored.snapshot, stored.sections
            version, is_final = stored.number, stored.is_final
        with translation.override(snapshot["language"]):
            context.update(
                render.build_context(
                    snapshot=snapshot, sections=sections, version=version, is_final=is_final
                )
            )
        context["round_pk"] = self.round.pk
        context["report_language"] = snapshot["language"]
        return context


class ReportDownloadView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        version = get_object_or_404(self.report.versions, number=kwargs["number"])
        file = version.pdf if kwargs["fmt"] == "pdf" else version.docx
        if not file or not file.storage.exists(file.name):
            raise Http404(_("The file of this version is missing."))
        content_type = (
            "application/pdf"
            if kwargs["fmt"] == "pdf"
            else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        slug = self.round.slug or f"round-{self.round.pk}"
        suffix = "-final" if version.is_final else ""
        return private_file_response(
            request,
            file,
            filename=f"{slug}-report-v{version.number}{suffix}.{kwargs['fmt']}",
            content_type=content_type,
        )


class ReportFinaliseView(ReportMixin, View):
    def post(self, request, *args, **kwargs):
        version = get_object_or_404(
            ReportVersion.objects.select_related("report"),
            report=self.report,
            number=kwargs["number"],
        )
        try:
            services.report_version_finalise(version=version, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The final version is being generated from version %(number)s.")
                % {"number": version.number},
            )
        return self.overview()
