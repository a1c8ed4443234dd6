"""Pages of panel draws: the volunteer pool, and the draw of a round session's panel
(draw, redraw, swap)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
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
from meetings.selectors.panels import with_loads_of_rows
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


class VolunteerPoolView(DirectoryPermission, ListView):
    template_name = "meetings/volunteer_pool.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = coordination_forms.PoolFilterForm(
            self.request.GET or None, target_publics=_target_public_choices()
        )
        self.filters = self.filter_form.filters() if self.request.GET else {}
        return coordination_selectors.volunteer_pool(filters=self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = with_loads_of_rows(context["organisations"])
        contacts = coordination_selectors.pool_contacts(page)
        visible = coordination_selectors.contact_ids_with_visible_details(user=self.request.user)
        context["rows"] = [
            {
                "organisation": o,
                "contact": contacts.get(o.pk),
                "show_email": o.pk in contacts
                and (visible is None or contacts[o.pk].pk in visible),
            }
            for o in page
        ]
        context["filter_form"] = self.filter_form
        context["without_contact"] = list(
            coordination_selectors.volunteers_without_contact(filters=self.filters)[:200]
        )
        context["querystring"] = self.request.GET.copy()
        context["querystring"].pop("page", None)
        return context
