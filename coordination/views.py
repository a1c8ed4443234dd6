"""Pages of the ``coordination`` app: the directory (organisations, groups, rounds), the
survey import and results, health and the language switch."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View, defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from django.views.i18n import set_language
from rules.contrib.views import PermissionRequiredMixin

from coordination import enums, forms, health, rules, selectors, services
from coordination.enums import (
    AccessAction,
    ConsentPurpose,
    ConsentSource,
    Door,
    InterfaceLanguage,
    LawfulBasis,
)
from coordination.exceptions import InvalidTokenError
from coordination.imports import jobs
from coordination.imports.columns import mapping_with_organisation_choices
from coordination.languages import language_cookie_set, link_page_language
from coordination.links import url_maker
from coordination.models import Question, WorkingGroup
from coordination.services import (
    access_record,
    consent_give,
    consent_withdraw,
    contact_details_shown_record,
    contact_from_consent_token,
    contact_language_set,
    user_language_set,
)
from coordination.spreadsheets import write_csv, write_xlsx
from coordination.validators import id_or_none
from coordination.widgets import contact_label


def page_not_found(request: HttpRequest, exception) -> HttpResponse:
    """404: for the API in its error format (JSON, as every API error), else the page."""
    if request.path.startswith("/api/"):
        error = {"code": "not_found", "detail": _("Not found."), "attr": None}
        return JsonResponse({"type": "client_error", "errors": [error]}, status=404)
    return defaults.page_not_found(request, exception)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 200 or 503, never a detail (the log has them)."""
    if health.liveness():
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "error"}, status=503)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, cache, broker, a live worker, the outbox. The figures of each
    check only for the team or a monitor with ``READINESS_TOKEN``."""
    status, checks = health.readiness()
    body: dict = {"status": status}
    if health.readiness_details_allowed(request):
        body["checks"] = checks
    return JsonResponse(body, status=503 if status == "unavailable" else 200)


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
        queryset = selectors.organisation_list().order_by("name")
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(name__icontains=query)
        return queryset


class OrganisationDetailView(DirectoryPermission, DetailView):
    template_name = "coordination/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return selectors.organisation_list()

    def get_object(self, queryset=None):
        organisation = super().get_object(queryset)
        return selectors.with_visible_contacts([organisation], user=self.request.user)[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        contact_details_shown_record(
            by=self.request.user,
            contacts=[c for c in organisation.visible_contacts if c.email or c.phone],
            detail=f"organisation {organisation.pk}",
        )
        return context


class WorkingGroupListView(DirectoryPermission, ListView):
    template_name = "coordination/working_group_list.html"
    context_object_name = "groups"

    def get_queryset(self):
        return selectors.working_group_list(user=self.request.user).order_by("name")


class WorkingGroupDetailView(DirectoryPermission, DetailView):
    """A group's mandate and members; its chairs and the team add members, change roles and
    end memberships here."""

    template_name = "coordination/working_group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return selectors.working_groups_with_members(user=self.request.user)

    def has_permission(self) -> bool:
        """The directory's readers, and the group's own chairs and facilitators."""
        user = self.request.user
        if user.has_perm("coordination.view_directory"):
            return True
        group = WorkingGroup.objects.filter(pk=self.kwargs["pk"]).first()
        return group is not None and user.has_perm("coordination.manage_group", group)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm("coordination.manage_group", self.object)
        members = self.object.current_memberships
        visible = selectors.contact_ids_with_visible_details(
            user=self.request.user, among=[m.contact_id for m in members]
        )
        context["visible_contact_ids"] = visible
        contact_details_shown_record(
            by=self.request.user,
            contacts=[
                m.contact
                for m in members
                if m.contact.email and (visible is None or m.contact_id in visible)
            ],
            detail=f"working group {self.object.pk}",
        )
        if context["can_manage"]:
            context.setdefault("membership_form", forms.MembershipAddForm(group=self.object))
            context["role_choices"] = enums.MembershipRole.choices
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not request.user.has_perm("coordination.manage_group", self.object):
            raise PermissionDenied
        membership_pk = request.POST.get("membership", "")
        try:
            if membership_pk:
                return self._change(request, membership_pk)
            form = forms.MembershipAddForm(request.POST, group=self.object)
            if not form.is_valid():
                context = self.get_context_data(membership_form=form)
                return self.render_to_response(context, status=400)
            membership = services.membership_add(group=self.object, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("working-group-detail", pk=self.object.pk)
        messages.success(
            request, _("%(name)s is now a member of the group.") % {"name": membership.contact.name}
        )
        return redirect("working-group-detail", pk=self.object.pk)

    def _change(self, request, membership_pk: str):
        membership_id = id_or_none(membership_pk)
        if membership_id is None:
            raise Http404
        membership = get_object_or_404(
            self.object.memberships.select_related("contact"), pk=membership_id
        )
        form = forms.MembershipChangeForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a role."))
        if form.cleaned_data["action"] == "end":
            services.membership_end(membership=membership)
            messages.success(
                request,
                _("The membership of %(name)s has ended.") % {"name": membership.contact.name},
            )
        else:
            services.membership_role_set(membership=membership, role=form.cleaned_data["role"])
            messages.success(
                request, _("The role of %(name)s was changed.") % {"name": membership.contact.name}
            )
        return redirect("working-group-detail", pk=self.object.pk)


@method_decorator(never_cache, name="dispatch")
class ContactLookupView(View):
    """The suggestions of a contact field while a name is typed (``ContactSearchInput``):
    the contacts of the field's own choice that match, at most ``SHOWN``, as JSON. Each page
    subclasses it with its own permission and ``contacts()``; what the form accepts is
    checked again when it is sent."""

    SHOWN = 10

    def contacts(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        text = request.GET.get("q", "")[:200]
        matches = selectors.contact_search(self.contacts(), text, limit=self.SHOWN + 1)
        return JsonResponse(
            {
                "contacts": [{"value": contact_label(c)} for c in matches[: self.SHOWN]],
                "more": len(matches) > self.SHOWN,
            }
        )


class WorkingGroupContactLookupView(LoginRequiredMixin, ContactLookupView):
    """Who may be added to the group, for its chairs, its facilitators and the team."""

    def contacts(self):
        group = get_object_or_404(WorkingGroup, pk=self.kwargs["pk"])
        if not self.request.user.has_perm("coordination.manage_group", group):
            raise PermissionDenied
        return selectors.contacts_joinable(group=group)


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
        # What the round's status still allows, and why not the rest.
        context["refused"] = rules.round_refusals(self.object)
        context["sessions"] = list(self.object.sessions.order_by("starts_at"))
        return context


class RoundCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A new round (a draft): title, themes, survey questions, facilitators, capacity."""

    permission_required = "coordination.create_round"

    def get(self, request):
        return self._render(request, forms.RoundForm(initial={"capacity_per_session": 15}))

    def post(self, request):
        form = forms.RoundForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            facilitators = list(data.pop("facilitators"))
            if not rules.is_team(request.user) and request.user not in facilitators:
                facilitators.append(request.user)  # who creates a round facilitates it
            try:
                created = services.round_create(facilitators=facilitators, **data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The round was created. Add its sessions next."))
                return redirect("round-detail", pk=created.pk)
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        return render(request, "coordination/round_form.html", {"form": form}, status=status)


class RoundEditView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.round = get_object_or_404(selectors.round_list(user=request.user), pk=kwargs["pk"])
        if not request.user.has_perm("coordination.manage_round", self.round):
            raise PermissionDenied
        self.refused = rules.round_refusals(self.round)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        return forms.RoundForm(
            data,
            initial=forms.RoundForm.initial_from(self.round),
            capacity_locked=self.refused.get(rules.ROUND_CAPACITY, ""),
        )

    def get(self, request, pk):
        return self._render(request, self._form())

    def post(self, request, pk):
        form = self._form(request.POST)
        if rules.ROUND_EDIT in self.refused:
            messages.error(request, self.refused[rules.ROUND_EDIT])
            return redirect("round-detail", pk=pk)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.round_update(
                    consultation_round=self.round,
                    questions=data.pop("questions"),
                    facilitators=data.pop("facilitators"),
                    **data,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The round was saved."))
                return redirect("round-detail", pk=pk)
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        context = {"form": form, "round": self.round, "refused": self.refused}
        return render(request, "coordination/round_form.html", context, status=status)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class TeamOnly(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "coordination.import_survey"


class SurveyImportView(TeamOnly, View):
    """Upload an export: a background check (dry run) whose page shows the report, then the
    confirmation (a background import of the same file), or the cancellation."""

    template_name = "coordination/survey_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.SurveyImportForm()})

    def post(self, request):
        if request.POST.get("action") in ("confirm", "mapping", "cancel"):
            job = self._pending(request)
            if job is None:
                return redirect("survey-import")
            if request.POST["action"] == "confirm":
                return self.confirm(request, job)
            if request.POST["action"] == "mapping":
                return self.mapping_download(request, job)
            jobs.survey_import_job_discard(job=job)
            messages.info(request, _("The import was cancelled; nothing was written."))
            return redirect("survey-import")
        form = forms.SurveyImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        mapping = form.cleaned_data.get("mapping")
        job = jobs.survey_import_job_create(
            upload=upload,
            filename=upload.name,
            language=form.cleaned_data["language"],
            mapping=mapping,
            mapping_filename=mapping.name if mapping else "",
            partial=form.cleaned_data["partial"],
            awaits_confirmation=True,
            user=request.user,
        )
        return redirect("survey-import-job", token=job.token)

    def _pending(self, request):
        job = selectors.survey_import_job_of(user=request.user, token=request.POST.get("token"))
        if job is None or not jobs.survey_import_job_is_pending(job):
            messages.error(request, _("This import is no longer pending; upload the file again."))
            return None
        return job

    def mapping_download(self, request, job):
        """The mapping file of this import plus the team's choices for its hints."""
        mapping = None
        if job.mapping and default_storage.exists(job.mapping.name):
            with default_storage.open(job.mapping.name, "rb") as handle:
                mapping = handle.read()
        text = mapping_with_organisation_choices(
            mapping,
            job.mapping_filename,
            forms.organisation_choices_posted(request.POST, job.report.get("hints", [])),
        )
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="survey-mapping.yaml"'
        return response

    def confirm(self, request, job):
        choices = forms.organisation_choices_posted(request.POST, job.report.get("hints", []))
        try:
            confirmation = jobs.survey_import_job_confirm(
                job=job, user=request.user, organisation_choices=choices
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("survey-import")
        return redirect("survey-import-job", token=confirmation.token)


class SurveyImportJobView(TeamOnly, View):
    """A check or an import: its progress (the page refreshes itself while it runs), then
    its report, with the confirmation for a check."""

    template_name = "coordination/survey_import.html"

    def get(self, request, token):
        job = selectors.survey_import_job_of(user=request.user, token=token)
        if job is None:
            raise Http404(_("No such import."))
        rows_done, rows_total = jobs.survey_import_job_progress(job)
        context = {
            "form": forms.SurveyImportForm(),
            "job": job,
            "rows_done": rows_done,
            "rows_total": rows_total,
            "report": job.report,
            "done": not job.dry_run,
        }
        if jobs.survey_import_job_is_pending(job):
            context["pending"] = {"token": str(job.token)}
        return render(request, self.template_name, context)


def _results_filters(request) -> tuple:
    form = forms.ResultsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {
        "form_language": filters.get("form_language", "") or "",
        "area": filters.get("area", "") or "",
    }


def survey_results_rows(results, *, language: str, querystring: str) -> list[dict]:
    """What the index of results shows of each question, ready for the template (which then
    only prints): its label in ``language``, its kind's label (the kinds' labels translated
    once per page), its base as the language writes numbers and its link carrying the
    filters."""
    question_url = url_maker("survey-question")
    query = f"?{querystring}" if querystring else ""
    kinds = {value: str(label) for value, label in enums.QuestionKind.choices}
    rows = []
    for stats, label in results:
        question = stats.question
        rows.append(
            {
                "number": str(question.number),
                "url": f"{question_url(question.number)}{query}",
                "label": label,
                "kind": kinds.get(question.kind, question.kind),
                "base": number_format(stats.base),
            }
        )
    return rows


class SurveyResultsView(DirectoryPermission, View):
    """The questions with their base (n), linked to one page each."""

    def get(self, request):
        survey = selectors.needs_assessment_survey()
        form, filters = _results_filters(request)
        language = (get_language() or "en")[:2]
        querystring = request.GET.urlencode()
        results = [
            (stats, stats.question.label(language))
            for stats in selectors.survey_results_cached(
                survey=survey, language=language, **filters
            ).values()
        ]
        return render(
            request,
            "coordination/survey_results.html",
            {
                "survey": survey,
                "results": results,
                "rows": survey_results_rows(results, language=language, querystring=querystring),
                "filter_form": form,
                "querystring": querystring,
                "language": language,
            },
        )


class SurveyQuestionResultsView(DirectoryPermission, View):
    """One question: counts and percentages (bars), two columns side by side, the Likert grid
    as stacked bars, open answers listed; CSV/XLSX export of the same table."""

    def get(self, request, number: int, export: str = ""):
        survey = selectors.needs_assessment_survey()
        question = get_object_or_404(Question, survey=survey, number=number)
        form, filters = _results_filters(request)
        language = (get_language() or "en")[:2]
        stats = selectors.survey_results_cached(survey=survey, language=language, **filters)[
            question.number
        ]
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
        if stats.open_answers:  # free text, which may name people
            access_record(
                actor=request.user,
                action=AccessAction.OPEN_ANSWERS_VIEWED,
                door=Door.PAGE,
                detail=f"survey answers Q{question.number}",
                count=len(stats.open_answers),
            )
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
    see them, withdraw one (processing stops at once) or give it again, and choose the
    language of the e-mails sent to them. In the person's language."""

    template_name = "coordination/consents.html"

    def _render(self, request, contact, *, status=200, refused=None):
        language = link_page_language(
            request, contact.preferred_language if contact else refused.language
        )
        with translation.override(language):
            error = " ".join(refused.messages) if refused else None
            purposes = []
            if contact is not None:
                active = {c.purpose: c for c in contact.consents.filter(withdrawn_at__isnull=True)}
                purposes = [
                    {"code": code, "label": str(label), "active": active.get(code)}
                    for code, label in ConsentPurpose.choices
                ]
            response = render(
                request,
                self.template_name,
                {
                    "contact": contact,
                    "purposes": purposes,
                    "error": error,
                    "email_languages": [
                        (code, translation.get_language_info(code)["name_local"])
                        for code in InterfaceLanguage.values
                    ],
                },
                status=status,
            )
        response.headers["Content-Language"] = language
        return response

    def get(self, request, token: str):
        try:
            contact = contact_from_consent_token(token=token)
        except InvalidTokenError as exc:
            return self._render(request, None, status=404, refused=exc)
        return self._render(request, contact)

    def post(self, request, token: str):
        try:
            contact = contact_from_consent_token(token=token)
        except InvalidTokenError as exc:
            return self._render(request, None, status=404, refused=exc)
        action, purpose = request.POST.get("action", ""), request.POST.get("purpose", "")
        if action == "language":
            return self._language_set(request, token, contact)
        with translation.override(link_page_language(request, contact.preferred_language)):
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

    def _language_set(self, request, token, contact):
        """The language of the e-mails to the contact, chosen here; this browser's pages
        follow it, as if chosen in the language menu."""
        language = request.POST.get("language", "")
        with translation.override(link_page_language(request, contact.preferred_language)):
            try:
                contact_language_set(contact=contact, language=language)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("consents-page", token=token)
        with translation.override(language):
            messages.success(
                request,
                _("Your language is saved: %(language)s.")
                % {"language": InterfaceLanguage(language).label},
            )
        response = redirect("consents-page", token=token)
        language_cookie_set(response, language)
        return response


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
        "login_days": settings.RETENTION_LOGIN_ATTEMPTS_DAYS,
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
            (
                _("Sign-in protection"),
                _("Protecting the log-ins against password guessing"),
                str(LawfulBasis.LEGITIMATE_INTEREST.label),
                _("user name, IP address and browser of sign-in attempts and sign-ins"),
                _("coordination team"),
                _("%(n)s days") % {"n": facts["login_days"]},
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
