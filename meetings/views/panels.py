"""Pages of panel draws: the volunteer pool, and the draw of a round session's panel
(draw, redraw, swap)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from coordination import enums as c_enums
from coordination import forms as coordination_forms
from coordination import selectors as coordination_selectors
from coordination.models import ConsultationRound, Question
from coordination.panels import (
    PanelInputError,
    Target,
    default_targets,
    problem_text,
    rerun_command,
    round_feasibility,
)
from coordination.services import access_record, contact_details_shown_record
from coordination.views import DirectoryPermission
from meetings.forms import panels as panel_forms
from meetings.models import Invitation, Meeting, PanelDraw
from meetings.selectors.panels import (
    round_draw_current,
    round_draw_input,
    round_draws_earlier,
    volunteer_pool_with_load,
    with_loads_of_rows,
)
from meetings.services import invitations as invitation_services
from meetings.services import panels as panel_services
from meetings.services import rounds as round_services
from meetings.views.base import managed_meeting, url_maker

EXCLUSION_REASONS = {
    "other_session": _("Already in another session of the round"),
    "declined_twice": _("Declined twice in a row"),
    "load_cap": _("Above the consultation-load cap"),
    "not_volunteer": _("Did not volunteer"),
    "no_consent": _("No active consent"),
}


CRITERION_ENUMS = {
    "working_language": c_enums.WorkingLanguage,
    "area": c_enums.Area,
    "domain": c_enums.Domain,
    "support_role": c_enums.SupportRole,
    "kind": c_enums.OrganisationKind,
}


def value_label(criterion: str, value: str) -> str:
    """A stratum value in words: ``fr+nl`` → ``French + Dutch``; ``-`` → ``not given``."""
    if value in ("", "-"):
        return str(_("not given"))
    labels = dict(CRITERION_ENUMS[criterion].choices) if criterion in CRITERION_ENUMS else {}
    return " + ".join(str(labels.get(part, part)) for part in value.split("+"))


def stratum_label(criteria: list[str], stratum: list[str]) -> str:
    return " / ".join(value_label(c, v) for c, v in zip(criteria, stratum, strict=False))


class PanelDrawView(LoginRequiredMixin, View):
    """Draw, redraw and adjust the panel of a consultation-round session."""

    template_name = "meetings/panel_draw.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = managed_meeting(request, kwargs["pk"])
        if not self.meeting.is_round_session:
            raise Http404(_("Panels are drawn for consultation-round sessions only."))
        return super().dispatch(request, *args, **kwargs)

    def pool(self):
        return coordination_selectors.volunteer_pool()

    def current_draw(self):
        return PanelDraw.objects.filter(meeting=self.meeting, is_current=True).first()

    def get(self, request, pk):
        current = self.current_draw()
        initial = {
            "seats": self.meeting.capacity or self.meeting.consultation_round.capacity_per_session,
            "criteria": ["working_language", "area"],
            "exclude_other_sessions": True,
            "exclude_declined_twice": True,
            "replaces_draw": current.pk if current else None,
        }
        if current is not None:
            initial.update(
                seats=current.seats,
                criteria=current.criteria,
                exclude_other_sessions=current.exclusions.get("other_sessions", True),
                exclude_declined_twice=current.exclusions.get("declined_twice", True),
                max_load=current.exclusions.get("max_load"),
                must_invite="\n".join(
                    coordination_selectors.organisation_names(current.must_invite)
                ),
            )
        form = panel_forms.PanelDrawForm(initial=initial, pool=self.pool())
        return self.render(request, form, current)

    def render(self, request, form, current, status=200):
        earlier = PanelDraw.objects.filter(meeting=self.meeting, is_current=False).select_related(
            "created_by"
        )
        sent = self.meeting.invitations.went_out().exists()
        context = {
            "meeting": self.meeting,
            "form": form,
            "draw": current,
            "earlier_draws": earlier,
            "invitations_sent": sent,
            "criterion_labels": panel_forms.CRITERION_LABELS,
            "excluded": [
                {**e, "reason_label": EXCLUSION_REASONS.get(e["reason"], e["reason"])}
                for e in (current.explanation.get("excluded", []) if current else [])
            ],
            "panel_rows": [
                {**e, "stratum_label": stratum_label(current.criteria, e["stratum"])}
                for e in (current.panel if current else [])
            ],
            "table": [
                (
                    panel_forms.CRITERION_LABELS.get(criterion, criterion),
                    [{**r, "label": value_label(criterion, r["value"])} for r in rows],
                )
                for criterion, rows in (
                    current.explanation.get("table", {}) if current else {}
                ).items()
            ],
            "waitlist_preview": [
                {**e, "stratum_label": stratum_label(current.criteria, e["stratum"])}
                for e in (current.waitlist[:20] if current else [])
            ],
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request, pk):
        if request.POST.get("action") == "swap":
            return self.swap(request)
        form = panel_forms.PanelDrawForm(request.POST, pool=self.pool())
        if not form.is_valid():
            return self.render(request, form, self.current_draw(), status=400)
        data = form.cleaned_data
        try:
            draw = panel_services.panel_draw_for_session(
                meeting=self.meeting,
                seats=data["seats"],
                criteria=data["criteria"],
                exclude_other_sessions=data["exclude_other_sessions"],
                exclude_declined_twice=data["exclude_declined_twice"],
                max_load=data["max_load"],
                must_invite=data["must_invite"],
                seed=data["seed"],
                replaces_draw_id=data["replaces_draw"],
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render(request, form, self.current_draw(), status=400)
        messages.success(
            request,
            _("Panel drawn: %(filled)s of %(seats)s seats filled (seed %(seed)s).")
            % {"filled": len(draw.panel), "seats": draw.seats, "seed": draw.seed},
        )
        return redirect("panel-draw", pk=self.meeting.pk)

    def swap(self, request):
        form = panel_forms.PanelSwapForm(request.POST)
        current = self.current_draw()
        if not form.is_valid() or current is None or form.cleaned_data["draw"] != current.pk:
            messages.error(request, _("The panel changed meanwhile; reload and try again."))
            return redirect("panel-draw", pk=self.meeting.pk)
        try:
            joining = panel_services.panel_swap(
                draw=current, organisation_id=form.cleaned_data["organisation"], user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s takes the seat.") % {"name": joining["name"]})
        return redirect("panel-draw", pk=self.meeting.pk)


def _target_public_choices() -> list[tuple[str, str]]:
    question = Question.objects.filter(
        survey__code=coordination_selectors.NEEDS_ASSESSMENT_SURVEY, number=7
    ).first()
    if question is None:
        return []
    language = get_language() or "en"
    return [
        (o["code"], coordination_selectors.option_label(o, language[:2])) for o in question.options
    ]


POOL_SORTS = {
    "name": ("name",),
    "-rounds": ("-rounds_invited", "name"),
    "rounds": ("rounds_invited", "name"),
    "-meetings": ("-meetings_invited", "name"),
    "meetings": ("meetings_invited", "name"),
    "-attended": ("-meetings_attended", "name"),
    "attended": ("meetings_attended", "name"),
}


# What the pool's page and downloads show of each organisation (beside its contact and load).
POOL_LISTED_FIELDS = ("name", "working_languages", "areas", "support_role")


class VolunteerPoolView(DirectoryPermission, ListView):
    """The pool with its count, sorting by name or by load, the filters, and the whole
    filtered list as CSV or XLSX (``?export=csv|xlsx``)."""

    template_name = "meetings/volunteer_pool.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = coordination_forms.PoolFilterForm(
            self.request.GET or None, target_publics=_target_public_choices()
        )
        self.filters = self.filter_form.filters() if self.request.GET else {}
        self.sort = self.request.GET.get("sort", "name")
        if self.sort not in POOL_SORTS:
            self.sort = "name"
        if self.sort == "name":  # the loads are then computed for the page's rows only
            pool = coordination_selectors.volunteer_pool_by_name(filters=self.filters)
        else:
            pool = volunteer_pool_with_load(filters=self.filters).order_by(*POOL_SORTS[self.sort])
        return pool.only(*POOL_LISTED_FIELDS)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # One pass over the volunteers counts the pool and those still without a contact.
        self.pool_size, self.without_contact_count = coordination_selectors.volunteer_pool_counts(
            filters=self.filters
        )
        paginator.count = self.pool_size
        return paginator

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export", "")
        if export in ("csv", "xlsx"):
            return self._export(export)
        return super().get(request, *args, **kwargs)

    def _rows(self, organisations, contacts):
        for o in organisations:
            contact = contacts.get(o.pk)
            yield {
                "organisation": o,
                "contact": contact,
                "show_email": contact is not None and contact.details_visible,
            }

    def _export(self, export: str):
        from coordination.spreadsheets import write_csv, write_xlsx

        organisations = with_loads_of_rows(list(self.get_queryset()))
        contacts = coordination_selectors.pool_contacts(organisations, user=self.request.user)
        area_labels = dict(c_enums.Area.choices)
        header = [_("Organisation"), _("Contact"), _("E-mail"), _("Languages"), _("Areas"),
                  _("Support role"), _("Rounds invited"), _("Meetings invited"),
                  _("Meetings attended")]  # fmt: skip
        rows = [[str(label) for label in header]]
        for row in self._rows(organisations, contacts):
            o, contact = row["organisation"], row["contact"]
            rows.append([
                o.name, contact.name if contact else "",
                (contact.email or "") if row["show_email"] else "",
                ", ".join(o.working_languages or []).upper(),
                ", ".join(str(area_labels.get(a, a)) for a in o.areas or []),
                o.get_support_role_display(), o.rounds_invited, o.meetings_invited,
                o.meetings_attended,
            ])  # fmt: skip
        access_record(
            actor=self.request.user,
            action=c_enums.AccessAction.LIST_EXPORTED,
            door=c_enums.Door.PAGE,
            contacts=sorted(c.pk for c in contacts.values()),
            detail=f"volunteer pool ({export})",
            count=len(organisations),
        )
        if export == "csv":
            content, mimetype = write_csv(rows), "text/csv; charset=utf-8"
        else:
            content = write_xlsx(rows, title=str(_("Volunteer pool"))[:31])
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(content, content_type=mimetype)
        response["Content-Disposition"] = f'attachment; filename="volunteer-pool.{export}"'
        return response

    def _page_rows(self, organisations, contacts) -> list[dict]:
        """The rows of the page with what each cell prints (links, labels) resolved once
        for the page: the template then only prints them."""
        areas = {code: str(label) for code, label in c_enums.Area.choices}
        roles = {code: str(label) for code, label in c_enums.SupportRole.choices}
        detail_url = url_maker("organisation-detail")
        rows = []
        for row in self._rows(organisations, contacts):
            o = row["organisation"]
            rows.append(
                {
                    **row,
                    "url": detail_url(o.pk),
                    "languages": ", ".join(o.working_languages or []).upper(),
                    "areas": ", ".join(areas.get(code, code) for code in o.areas or []),
                    "support_role": roles.get(o.support_role, o.support_role or ""),
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = with_loads_of_rows(context["organisations"])
        contacts = coordination_selectors.pool_contacts(page, user=self.request.user)
        contact_details_shown_record(
            by=self.request.user,
            contacts=coordination_selectors.pool_contacts_with_details_shown(contacts),
            detail="volunteer pool",
        )
        context["rows"] = self._page_rows(page, contacts)
        context["filter_form"] = self.filter_form
        context["without_contact"] = (
            list(coordination_selectors.volunteers_without_contact(filters=self.filters)[:200])
            if self.without_contact_count
            else []
        )
        context["querystring"] = self.request.GET.copy()
        context["querystring"].pop("page", None)
        context["querystring"].pop("export", None)
        filters_only = context["querystring"].copy()
        filters_only.pop("sort", None)
        context["filters_query"] = filters_only.urlencode()
        context["sort"] = self.sort
        return context


METHOD_LABELS = {
    "leximin": _("LEXIMIN (the fairest selection probabilities)"),
    "random_weights": _("Random weights (faster; probabilities not computed)"),
}
WHY_LABELS = {
    "declined": _("the invitee declined"),
    "removed": _("the invitee was removed"),
    "no_answer": _("no answer by the deadline"),
    "by_hand": _("invited by hand"),
}
FALLBACK_LABELS = {
    "pool_size": _("the pool is too large for the exact method"),
    "time_budget": _("the exact method ran out of time"),
}


def round_draw_rows(explanation: dict) -> list[dict]:
    """The explanation table of a round draw: every eligible organisation with its session
    (or alternate ranks) and its selection probability."""
    titles = {s["key"]: s["title"] for s in explanation.get("sessions", [])}
    rows = []
    for o in explanation.get("organisations", []):
        rows.append(
            {
                **o,
                "session_title": titles.get(o["session"], ""),
                "alternates": [
                    {"title": titles.get(int(key), key), "rank": rank}
                    for key, rank in sorted(o.get("alternate_ranks", {}).items())
                ],
                "languages_label": value_label("working_language", "+".join(o["languages"])),
                "percent": None if o["probability"] is None else round(100 * o["probability"], 1),
            }
        )
    rows.sort(key=lambda r: (r["session"] is None, r["session_title"], r["name"]))
    return rows


class RoundDrawView(LoginRequiredMixin, View):
    """The joint draw of every session of a round: targets, feasibility, draw and redraw,
    the explanation with probabilities, and the earlier draws."""

    template_name = "meetings/round_draw.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.round = get_object_or_404(ConsultationRound, pk=kwargs["round_pk"])
        if not request.user.has_perm("coordination.manage_round", self.round):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def setup_draw(self, must_invite=(), exclude_declined_twice=True):
        self.pool, self.sessions, self.eligible, _exclusions = round_draw_input(
            consultation_round=self.round,
            exclude_declined_twice=exclude_declined_twice,
            must_invite=must_invite,
        )

    def get(self, request, round_pk):
        current = round_draw_current(self.round)
        self.setup_draw(
            must_invite=current.must_invite if current else (),
            exclude_declined_twice=current.exclusions.get("declined_twice", True)
            if current
            else True,
        )
        if current is not None:
            targets = [Target.from_json(t) for t in current.targets]
        else:
            targets = default_targets(self.eligible, self.sessions)
        formset = panel_forms.RoundTargetFormSet(
            initial=panel_forms.target_initial(targets), sessions=self.sessions, prefix="targets"
        )
        form = panel_forms.RoundDrawForm(
            initial={
                "replaces_draw": current.pk if current else None,
                "exclude_declined_twice": True,
                "must_invite": [str(o) for o in current.must_invite] if current else [],
            },
            pool_choices=self.pool_choices(),
        )
        return self.render(
            request, form, formset, targets=targets, must_invite=form.initial["must_invite"]
        )

    def session_rows(self):
        draws = {
            d.meeting_id: d
            for d in PanelDraw.objects.filter(
                meeting__consultation_round=self.round, is_current=True, round_draw__isnull=False
            )
        }
        rows = []
        for meeting in self.round.sessions.order_by("starts_at", "pk"):
            draw = draws.get(meeting.pk)
            rows.append(
                {
                    "meeting": meeting,
                    "deadline_form": panel_forms.AnswerDeadlineForm(
                        initial={"answer_deadline": meeting.answer_deadline}
                    ),
                    "replacements": [
                        {**r, "why_label": WHY_LABELS.get(r["why"], r["why"])}
                        for r in (draw.explanation.get("replacements", []) if draw else [])
                    ],
                    "alternates_left": len(draw.waitlist) if draw else 0,
                }
            )
        return rows

    def pool_choices(self):
        return sorted(((c.organisation_id, c.name) for c in self.eligible), key=lambda c: c[1])

    def feasibility(self, targets, must_invite):
        try:
            return round_feasibility(
                self.eligible, sessions=self.sessions, targets=targets, must_invite=must_invite
            ), []
        except PanelInputError as exc:
            return None, [exc.message]

    def render(self, request, form, formset, *, targets=None, must_invite=(), status=200):
        current = round_draw_current(self.round)
        feasibility, input_errors = (None, [])
        if targets is not None:
            feasibility, input_errors = self.feasibility(targets, [int(o) for o in must_invite])
        names = {c.organisation_id: c.name for c in self.eligible}
        sent = Invitation.objects.filter(meeting__consultation_round=self.round).went_out().exists()
        context = {
            "round": self.round,
            "form": form,
            "formset": formset,
            "sessions": self.sessions,
            "pool_size": len(self.pool),
            "eligible_count": len(self.eligible),
            "feasibility": feasibility,
            "problems": [problem_text(p, self.sessions, names) for p in feasibility.problems]
            if feasibility
            else [],
            "suggested": panel_forms.target_initial(feasibility.suggested_targets)
            if feasibility and not feasibility.feasible
            else [],
            "input_errors": input_errors,
            "draw": current,
            "rows": round_draw_rows(current.explanation) if current else [],
            "method_label": METHOD_LABELS.get(current.method, current.method) if current else "",
            "fallback_label": FALLBACK_LABELS.get(current.fallback_reason, "") if current else "",
            "rerun": rerun_command(
                round_ref=self.round.slug, seed=current.seed, method=current.method
            )
            if current
            else "",
            "earlier_draws": round_draws_earlier(self.round),
            "session_rows": self.session_rows(),
            "invitations_sent": sent,
            "criterion_labels": panel_forms.CRITERION_LABELS,
        }
        return render(request, self.template_name, context, status=status)

    def session_actions(self, request):
        """Per session: the answer deadline, and the next alternate invited by hand."""
        meeting = get_object_or_404(
            Meeting, pk=request.POST.get("session") or 0, consultation_round=self.round
        )
        try:
            if request.POST.get("action") == "alternate":
                invitation = invitation_services.alternate_invite_next(
                    meeting=meeting, by=request.user
                )
                messages.success(
                    request,
                    _("%(name)s is invited as the next alternate.")
                    % {"name": invitation.contact.organisation.name},
                )
            else:
                form = panel_forms.AnswerDeadlineForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        for message in errors:
                            messages.error(request, message)
                    return redirect("round-draw", round_pk=self.round.pk)
                panel_services.session_answer_deadline_set(
                    meeting=meeting, deadline=form.cleaned_data["answer_deadline"], by=request.user
                )
                messages.success(request, _("The answer deadline is saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("round-draw", round_pk=self.round.pk)

    def post(self, request, round_pk):
        if request.POST.get("action") in ("alternate", "deadline"):
            return self.session_actions(request)
        must_invite = request.POST.getlist("must_invite")
        exclude = request.POST.get("exclude_declined_twice") in ("on", "true", "1")
        try:
            must_ids = [int(o) for o in must_invite]
        except ValueError:
            must_ids = []
        self.setup_draw(must_invite=must_ids, exclude_declined_twice=exclude)
        form = panel_forms.RoundDrawForm(request.POST, pool_choices=self.pool_choices())
        formset = panel_forms.RoundTargetFormSet(
            request.POST, sessions=self.sessions, prefix="targets"
        )
        if not (form.is_valid() and formset.is_valid()):
            return self.render(request, form, formset, status=400)
        targets = formset.targets()
        data = form.cleaned_data
        if request.POST.get("action") != "draw":
            return self.render(
                request, form, formset, targets=targets, must_invite=data["must_invite"]
            )
        try:
            draw = panel_services.round_draw_record(
                consultation_round=self.round,
                targets=targets,
                seed=data["seed"],
                seed_commitment=data["seed_commitment"],
                must_invite=data["must_invite"],
                exclude_declined_twice=data["exclude_declined_twice"],
                reason=data["reason"],
                replaces_draw_id=data["replaces_draw"],
                user=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                for message in exc.messages:
                    form.add_error(None, message)
            return self.render(
                request, form, formset, targets=targets, must_invite=data["must_invite"], status=400
            )
        messages.success(
            request,
            _("The panels of the round are drawn (seed %(seed)s); the invitations are drafted.")
            % {"seed": draw.seed},
        )
        return redirect("round-draw", round_pk=self.round.pk)


class RoundCloseView(LoginRequiredMixin, View):
    """The facilitator closes a reported round."""

    def post(self, request, round_pk):
        consultation_round = get_object_or_404(ConsultationRound, pk=round_pk)
        if not request.user.has_perm("coordination.manage_round", consultation_round):
            raise PermissionDenied
        try:
            round_services.round_close(consultation_round=consultation_round, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The round is closed."))
        return redirect("round-detail", pk=consultation_round.pk)
