"""Pages of panel draws: the volunteer pool, and the draw of a round session's panel
(draw, redraw, swap)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from coordination import enums as c_enums
from coordination import forms as coordination_forms
from coordination import selectors as coordination_selectors
from coordination.models import Question
from coordination.views import DirectoryPermission
from meetings.forms import panels as panel_forms
from meetings.models import PanelDraw
from meetings.selectors.panels import volunteer_pool_with_load, with_loads_of_rows
from meetings.services import panels as panel_services
from meetings.views.base import managed_meeting

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
            return coordination_selectors.volunteer_pool(filters=self.filters)
        return volunteer_pool_with_load(filters=self.filters).order_by(*POOL_SORTS[self.sort])

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export", "")
        if export in ("csv", "xlsx"):
            return self._export(export)
        return super().get(request, *args, **kwargs)

    def _rows(self, organisations, contacts, visible):
        for o in organisations:
            contact = contacts.get(o.pk)
            yield {
                "organisation": o,
                "contact": contact,
                "show_email": contact is not None and (visible is None or contact.pk in visible),
            }

    def _export(self, export: str):
        from coordination.spreadsheets import write_csv, write_xlsx

        organisations = with_loads_of_rows(list(self.get_queryset()))
        contacts = coordination_selectors.pool_contacts(organisations)
        visible = coordination_selectors.contact_ids_with_visible_details(user=self.request.user)
        area_labels = dict(c_enums.Area.choices)
        header = [_("Organisation"), _("Contact"), _("E-mail"), _("Languages"), _("Areas"),
                  _("Support role"), _("Rounds invited"), _("Meetings invited"),
                  _("Meetings attended")]  # fmt: skip
        rows = [[str(label) for label in header]]
        for row in self._rows(organisations, contacts, visible):
            o, contact = row["organisation"], row["contact"]
            rows.append([
                o.name, contact.name if contact else "",
                (contact.email or "") if row["show_email"] else "",
                ", ".join(o.working_languages or []).upper(),
                ", ".join(str(area_labels.get(a, a)) for a in o.areas or []),
                o.get_support_role_display(), o.rounds_invited, o.meetings_invited,
                o.meetings_attended,
            ])  # fmt: skip
        if export == "csv":
            content, mimetype = write_csv(rows), "text/csv; charset=utf-8"
        else:
            content = write_xlsx(rows, title=str(_("Volunteer pool"))[:31])
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(content, content_type=mimetype)
        response["Content-Disposition"] = f'attachment; filename="volunteer-pool.{export}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = with_loads_of_rows(context["organisations"])
        contacts = coordination_selectors.pool_contacts(page)
        visible = coordination_selectors.contact_ids_with_visible_details(user=self.request.user)
        context["rows"] = list(self._rows(page, contacts, visible))
        context["filter_form"] = self.filter_form
        context["without_contact"] = list(
            coordination_selectors.volunteers_without_contact(filters=self.filters)[:200]
        )
        context["querystring"] = self.request.GET.copy()
        context["querystring"].pop("page", None)
        context["querystring"].pop("export", None)
        filters_only = context["querystring"].copy()
        filters_only.pop("sort", None)
        context["filters_query"] = filters_only.urlencode()
        context["sort"] = self.sort
        return context
