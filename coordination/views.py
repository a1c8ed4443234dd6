"""Pages of the ``coordination`` app: the directory (organisations, groups, rounds), the
survey import and results, health and the language switch."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from django.views.i18n import set_language
from rules.contrib.views import PermissionRequiredMixin

from coordination import forms, selectors
from coordination.enums import AccessAction, ConsentPurpose, ConsentSource, Door, LawfulBasis
from coordination.exceptions import InvalidTokenError
from coordination.imports.columns import mapping_with_organisation_choices
from coordination.imports.importer import survey_import
from coordination.models import Question
from coordination.services import (
    access_record,
    consent_give,
    consent_withdraw,
    contact_from_consent_token,
    user_language_set,
)
from coordination.spreadsheets import write_csv, write_xlsx


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "unhealthy"
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LanguageSwitchView(View):
    """Django's ``set_language``, which also stores a signed-in user's preference."""

    def post(self, request, *args, **kwargs):
        response = set_language(request)
        if request.user.is_authenticated:
            language = request.POST.get("language", "")
            try:
                user_language_set(user=request.user, language=language)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                with translation.override(language):
                    messages.success(request, _("Your language preference was saved."))
        return response


class DirectoryPermission(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "coordination.view_directory"


class OrganisationListView(DirectoryPermission, ListView):
    template_name = "coordination/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        queryset = selectors.organisation_list(user=self.request.user).order_by("name")
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(name__icontains=query)
        return queryset


class OrganisationDetailView(DirectoryPermission, DetailView):
    template_name = "coordination/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        shown = [c for c in organisation.visible_contacts if c.email or c.phone]
        if shown:
            access_record(
                actor=self.request.user,
                action=AccessAction.CONTACT_DETAILS_VIEWED,
                door=Door.PAGE,
                contacts=shown,
                detail=f"organisation {organisation.pk}",
            )
        return context


class WorkingGroupListView(DirectoryPermission, ListView):
    template_name = "coordination/working_group_list.html"
    context_object_name = "groups"

    def get_queryset(self):
        return selectors.working_group_list(user=self.request.user).order_by("name")


class WorkingGroupDetailView(DirectoryPermission, DetailView):
    template_name = "coordination/working_group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return selectors.working_group_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm("coordination.manage_group", self.object)
        context["visible_contact_ids"] = selectors.contact_ids_with_visible_details(
            user=self.request.user
        )
        return context


class RoundListView(DirectoryPermission, ListView):
    template_name = "coordination/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return selectors.round_list(user=self.request.user).order_by("-created_at")


class RoundDetailView(DirectoryPermission, DetailView):
    template_name = "coordination/round_detail.html"
    context_object_name = "round"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.round_list(user=self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm("coordination.manage_round", self.object)
        return context


class TeamOnly(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "coordination.import_survey"


IMPORT_SESSION_KEY = "survey_import_pending"


def _stash_upload(upload, prefix: str) -> str:
    name = f"survey-imports/{prefix}-{uuid.uuid4().hex}"
    return default_storage.save(name, upload)


def _read_and_delete(path: str) -> bytes | None:
    if not path or not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        data = handle.read()
    default_storage.delete(path)
    return data


class SurveyImportView(TeamOnly, View):
    """Upload an export, read the dry-run report, then confirm (same service each time)."""

    template_name = "coordination/survey_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.SurveyImportForm()})

    def post(self, request):
        if request.POST.get("action") == "confirm":
            return self.confirm(request)
        if request.POST.get("action") == "mapping":
            return self.mapping_download(request)
        if request.POST.get("action") == "cancel":
            self._discard(request)
            messages.info(request, _("The import was cancelled; nothing was written."))
            return redirect("survey-import")
        form = forms.SurveyImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        self._discard(request)
        upload = form.cleaned_data["file"]
        mapping = form.cleaned_data.get("mapping")
        data = upload.read()
        mapping_data = mapping.read() if mapping else None
        report = survey_import(
            data=data,
            filename=upload.name,
            language=form.cleaned_data["language"],
            mapping=mapping_data,
            mapping_filename=mapping.name if mapping else "",
            partial=form.cleaned_data["partial"],
            dry_run=True,
            user=request.user,
        )
        context = {"form": form, "report": report}
        if not report.file_error:
            upload.seek(0)
            pending = {
                "token": uuid.uuid4().hex,
                "file": _stash_upload(upload, "export"),
                "filename": upload.name,
                "language": report.language,
                "partial": form.cleaned_data["partial"],
                "mapping": "",
                "mapping_filename": "",
            }
            if mapping:
                mapping.seek(0)
                pending["mapping"] = _stash_upload(mapping, "mapping")
                pending["mapping_filename"] = mapping.name
            pending["hints"] = [
                {"organisation": h.organisation, "candidates": h.candidates} for h in report.hints
            ]
            request.session[IMPORT_SESSION_KEY] = pending
            context["pending"] = pending
        return render(request, self.template_name, context)

    def _discard(self, request):
        pending = request.session.pop(IMPORT_SESSION_KEY, None)
        if pending:
            _read_and_delete(pending.get("file", ""))
            _read_and_delete(pending.get("mapping", ""))

    def _pending(self, request):
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending or pending.get("token") != request.POST.get("token"):
            messages.error(request, _("This import is no longer pending; upload the file again."))
            return None
        return pending

    def mapping_download(self, request):
        """The mapping file of this import plus the team's choices for its hints."""
        pending = self._pending(request)
        if pending is None:
            return redirect("survey-import")
        mapping = None
        if pending.get("mapping") and default_storage.exists(pending["mapping"]):
            with default_storage.open(pending["mapping"], "rb") as handle:
                mapping = handle.read()
        text = mapping_with_organisation_choices(
            mapping,
            pending.get("mapping_filename", ""),
            forms.organisation_choices_posted(request.POST, pending.get("hints", [])),
        )
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="survey-mapping.yaml"'
        return response

    def confirm(self, request):
        pending = self._pending(request)
        if pending is None:
            return redirect("survey-import")
        request.session.pop(IMPORT_SESSION_KEY)
        data = _read_and_delete(pending["file"])
        mapping = _read_and_delete(pending.get("mapping", "")) if pending.get("mapping") else None
        if data is None:
            messages.error(request, _("The uploaded file is gone; upload it again."))
            return redirect("survey-import")
        report = survey_import(
            data=data,
            filename=pending["filename"],
            language=pending["language"],
            mapping=mapping,
            mapping_filename=pending.get("mapping_filename", ""),
            partial=pending["partial"],
            organisation_choices=forms.organisation_choices_posted(
                request.POST, pending.get("hints", [])
            ),
            user=request.user,
        )
        if report.committed:
            messages.success(
                request,
                _(
                    "Imported: %(created)s created, %(updated)s updated, %(unchanged)s "
                    "unchanged, %(rejected)s rejected."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "rejected": report.rejected,
                },
            )
        else:
            messages.error(request, _("Nothing was imported: see the problems below."))
        return render(
            request,
            self.template_name,
            {"form": forms.SurveyImportForm(), "report": report, "done": True},
        )


def _results_responses(request, survey):
    form = forms.ResultsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    responses = selectors.survey_responses(
        survey=survey,
        form_language=filters.get("form_language", ""),
        area=filters.get("area", ""),
    )
    return form, responses


class SurveyResultsView(DirectoryPermission, View):
    """The questions with their base (n), linked to one page each."""

    def get(self, request):
        survey = selectors.needs_assessment_survey()
        form, responses = _results_responses(request, survey)
        language = (get_language() or "en")[:2]
        results = selectors.survey_results(survey=survey, responses=responses, language=language)
        return render(
            request,
            "coordination/survey_results.html",
            {
                "survey": survey,
                "results": results,
                "filter_form": form,
                "querystring": request.GET.urlencode(),
                "language": language,
            },
        )


class SurveyQuestionResultsView(DirectoryPermission, View):
    """One question: counts and percentages (bars), two columns side by side, the Likert grid
    as stacked bars, open answers listed; CSV/XLSX export of the same table."""

    def get(self, request, number: int, export: str = ""):
        survey = selectors.needs_assessment_survey()
        question = get_object_or_404(Question, survey=survey, number=number)
        form, responses = _results_responses(request, survey)
        language = (get_language() or "en")[:2]
        stats = selectors.survey_question_stats(
            question=question, responses=responses, language=language
        )
        if export:
            rows = [
                [f"Q{question.number}. {question.label(language)}"],
                *[list(r) for r in selectors.question_stats_table(stats)],
            ]
            filename = f"survey-q{question.number}.{export}"
            access_record(
                actor=request.user,
                action=AccessAction.LIST_EXPORTED,
                door=Door.PAGE,
                detail=f"survey answers Q{question.number} ({export})",
                count=len(rows) - 1,
            )
            if export == "csv":
                response = HttpResponse(write_csv(rows), content_type="text/csv; charset=utf-8")
            else:
                response = HttpResponse(
                    write_xlsx(rows, title=f"Q{question.number}"),
                    content_type=(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    ),
                )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        numbers = list(survey.questions.order_by("number").values_list("number", flat=True))
        position = numbers.index(number)
        return render(
            request,
            "coordination/survey_question.html",
            {
                "question": question,
                "question_text": question.label(language),
                "stats": stats,
                "filter_form": form,
                "querystring": request.GET.urlencode(),
                "previous_number": numbers[position - 1] if position > 0 else None,
                "next_number": numbers[position + 1] if position + 1 < len(numbers) else None,
            },
        )


@method_decorator(never_cache, name="dispatch")
class ConsentsPageView(View):
    """A person's consents, reached by the signed link in every e-mail (no account needed):
    see them, withdraw one (processing stops at once) or give it again. In the person's
    language."""

    template_name = "coordination/consents.html"

    def _render(self, request, contact, *, status=200, error=None):
        language = contact.preferred_language if contact else translation.get_language()
        with translation.override(language):
            purposes = []
            if contact is not None:
                active = {c.purpose: c for c in contact.consents.filter(withdrawn_at__isnull=True)}
                purposes = [
                    {"code": code, "label": str(label), "active": active.get(code)}
                    for code, label in ConsentPurpose.choices
                ]
            return render(
                request,
                self.template_name,
                {"contact": contact, "purposes": purposes, "error": error},
                status=status,
            )

    def get(self, request, token: str):
        try:
            contact = contact_from_consent_token(token=token)
        except InvalidTokenError as exc:
            return self._render(request, None, status=404, error=" ".join(exc.messages))
        return self._render(request, contact)

    def post(self, request, token: str):
        try:
            contact = contact_from_consent_token(token=token)
        except InvalidTokenError as exc:
            return self._render(request, None, status=404, error=" ".join(exc.messages))
        action, purpose = request.POST.get("action", ""), request.POST.get("purpose", "")
        with translation.override(contact.preferred_language):
            if purpose not in ConsentPurpose.values or action not in ("withdraw", "give"):
                messages.error(request, _("Choose a consent to withdraw or to give."))
            elif action == "withdraw":
                if consent_withdraw(contact=contact, purpose=purpose):
                    messages.success(
                        request,
                        _("Your consent for “%(purpose)s” was withdrawn.")
                        % {"purpose": ConsentPurpose(purpose).label},
                    )
                else:
                    messages.info(request, _("That consent was already withdrawn."))
            else:
                consent_give(
                    contact=contact,
                    purpose=purpose,
                    source=ConsentSource.WEB_FORM,
                    source_detail="consents page",
                )
                messages.success(
                    request,
                    _("Your consent for “%(purpose)s” is recorded.")
                    % {"purpose": ConsentPurpose(purpose).label},
                )
        return redirect("consents-page", token=token)


EXPORT_ROW_LIMIT = 50_000


class AuditTrailView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The team's view of the audit trail of accesses to personal data: filtered, paged,
    exported as CSV (an export is itself recorded)."""

    permission_required = "coordination.view_audit_trail"
    per_page = 50

    def get(self, request):
        form = forms.AccessEventFilterForm(request.GET or None)
        if request.GET and not form.is_valid():
            return render(
                request, "coordination/audit_trail.html", {"form": form, "rows": []}, status=400
            )
        filters = form.filters() if form.is_bound else {}
        events = selectors.access_event_list(**filters)
        if request.GET.get("format") == "csv":
            return self.export(request, events)
        page = Paginator(events, self.per_page).get_page(request.GET.get("page"))
        labels = selectors.contact_labels(contact_ids=[e.contact_id_ref for e in page])
        rows = [(e, labels.get(e.contact_id_ref, "")) for e in page]
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "coordination/audit_trail.html",
            {"form": form, "rows": rows, "page_obj": page, "query": query.urlencode()},
        )

    def export(self, request, events):
        events = list(events[:EXPORT_ROW_LIMIT])
        labels = selectors.contact_labels(contact_ids=[e.contact_id_ref for e in events])
        rows = [[_("At"), _("By"), _("Action"), _("Door"), _("Contact"), _("Detail"), _("Records")]]
        rows += [
            [
                e.at.isoformat(),
                e.actor.username if e.actor else "",
                e.get_action_display(),
                e.get_door_display(),
                f"#{e.contact_id_ref} {labels.get(e.contact_id_ref, '')}".strip()
                if e.contact_id_ref
                else "",
                e.detail,
                "" if e.count is None else e.count,
            ]
            for e in events
        ]
        access_record(
            actor=request.user,
            action=AccessAction.TRAIL_EXPORTED,
            door=Door.PAGE,
            count=len(events),
        )
        response = HttpResponse(write_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        return response


def _privacy_facts() -> dict:
    from django.conf import settings

    return {
        "controller": settings.PRIVACY_CONTROLLER,
        "dpo": settings.PRIVACY_DPO_CONTACT,
        "q56_basis": str(LawfulBasis(settings.SURVEY_Q56_LAWFUL_BASIS).label),
        "purposes": [str(label) for _code, label in ConsentPurpose.choices],
        "outbox_days": settings.RETENTION_OUTBOX_BODY_DAYS,
        "export_days": settings.RETENTION_EXPORT_DAYS,
        "audit_days": settings.AUDIT_RETENTION_DAYS,
    }


class PrivacyNoticeView(View):
    """The installation's privacy notice, public, in the reader's language: a Markdown file of
    ``PRIVACY_NOTICE_DIR`` for that language if there is one, else the built-in notice from
    the configured controller, officer, bases and retention rules."""

    def get(self, request):
        from pathlib import Path

        import markdown
        import nh3
        from django.conf import settings
        from django.utils.safestring import mark_safe

        language = (get_language() or "en")[:2]
        custom = ""
        if settings.PRIVACY_NOTICE_DIR:
            path = Path(settings.PRIVACY_NOTICE_DIR) / f"notice.{language}.md"
            if path.is_file():
                custom = mark_safe(nh3.clean(markdown.markdown(path.read_text("utf-8"))))  # noqa: S308
        return render(
            request, "coordination/privacy_notice.html", {"custom": custom, **_privacy_facts()}
        )


class RecordOfProcessingView(TeamOnly, View):
    """The record of processing activities (GDPR art. 30), generated from the configured
    purposes, lawful bases and retention rules, as a Markdown document."""

    def get(self, request):
        facts = _privacy_facts()
        lines = [
            "# " + _("Record of processing activities (GDPR art. 30)"),
            "",
            _("Controller: %(controller)s. Data protection officer: %(dpo)s.") % facts,
            "",
            "| "
            + " | ".join(
                [
                    _("Processing"),
                    _("Purpose"),
                    _("Lawful basis"),
                    _("Data"),
                    _("Recipients"),
                    _("Retention"),
                ]
            )
            + " |",
            "|---|---|---|---|---|---|",
        ]
        rows = [
            (
                _("Directory of organisations and contacts"),
                _("Organising the coordination mechanism"),
                facts["q56_basis"],
                _("name, organisation, function, e-mail, phone, language"),
                _("coordination team; facilitators and chairs concerned"),
                _("until erasure is asked"),
            ),
            *[
                (
                    purpose,
                    purpose,
                    str(LawfulBasis.CONSENT.label),
                    _("consent records, invitations, attendance"),
                    _("coordination team; facilitators concerned"),
                    _("until the consent is withdrawn"),
                )
                for purpose in facts["purposes"]
            ],
            (
                _("Participation needs"),
                _("Arranging a person's participation"),
                _("Explicit consent (GDPR art. 9.2.a)"),
                _("interpretation, accessibility and dietary needs"),
                _("the meeting's facilitators; coordination team"),
                _("until the meeting is over"),
            ),
            (
                _("E-mails"),
                _("Invitations, reminders, minutes for comments"),
                facts["q56_basis"],
                _("address, message text"),
                _("the e-mail provider"),
                _("text %(n)s days; headers kept as proof") % {"n": facts["outbox_days"]},
            ),
            (
                _("Audit trail"),
                _("Accountability (GDPR art. 5.2)"),
                str(LawfulBasis.LEGITIMATE_INTEREST.label),
                _("who accessed which contact's data, when, how"),
                _("coordination team"),
                _("%(n)s days") % {"n": facts["audit_days"]},
            ),
        ]
        lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
        access_record(
            actor=request.user,
            action=AccessAction.LIST_EXPORTED,
            door=Door.PAGE,
            detail="record of processing activities",
        )
        response = HttpResponse(
            "\n".join(lines) + "\n", content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="record-of-processing.md"'
        return response
