import zoneinfo

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from coordination import enums as c_enums
from coordination.enums import ConsentPurpose
from coordination.models import Contact
from coordination.rules import is_team
from coordination.selectors import volunteer_pool
from coordination.services import consent_withdraw
from coordination.validators import validate_time_zone
from meetings import forms, selectors
from meetings.models import PanelDraw
from meetings.services import panels as panel_services


class HomeView(TemplateView):
    """What matters to the signed-in user: upcoming meetings, open invitations and their
    action items. Visitors see a short introduction and the sign-in link."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["upcoming_meetings"] = selectors.my_upcoming_meetings(user=user)
            context["open_invitations"] = list(selectors.my_open_invitations(user=user))
            context["action_items"] = list(selectors.my_action_items(user=user)[:20])
        return context


class MeetingListView(LoginRequiredMixin, ListView):
    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        return selectors.meetings_visible_to(user=self.request.user).order_by("-starts_at")


class MeetingDetailView(LoginRequiredMixin, DetailView):
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_object(self, queryset=None):
        meetings = selectors.meetings_visible_to(user=self.request.user)
        return get_object_or_404(meetings, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_manage"] = user.has_perm("meetings.manage_meeting", self.object)
        # Invitees see the agenda once it is published (issue 5).
        context["can_view_agenda"] = user.has_perm("meetings.view_agenda", self.object)
        context["agenda_items"] = (
            self.object.agenda_items.select_related("presenter")
            if context["can_view_agenda"]
            else []
        )
        from meetings.selectors_scheduling import meeting_conflicts, series_dates

        context["series_dates"] = series_dates(meeting=self.object)
        mine = (
            self.object.invitations.filter(
                contact__user=self.request.user,
                status__in=["sent", "accepted", "tentative", "declined", "waitlisted"],
            )
            .select_related("contact")
            .first()
        )
        if mine is not None:
            from django.urls import reverse

            from meetings.services.invitations import invitation_token

            context["my_invitation"] = mine
            context["my_rsvp_url"] = reverse("rsvp", args=[invitation_token(mine)])
        if context["can_manage"]:
            context["conflicts"] = meeting_conflicts(meeting=self.object)
        return context


class MyDataView(LoginRequiredMixin, TemplateView):
    """A participant's own personal data: what we hold, consents they can withdraw, and a
    machine-readable download (GDPR art. 15, 20 and 7.3)."""

    template_name = "meetings/my_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact = getattr(self.request.user, "contact", None)
        context["contact"] = contact
        context["time_zones"] = sorted(zoneinfo.available_timezones())
        if contact is not None:
            context["consents"] = contact.consents.order_by("-given_at")
        return context

    def post(self, request, *args, **kwargs):
        if "time_zone" in request.POST:
            return self.set_time_zone(request)
        contact = getattr(request.user, "contact", None)
        purpose = request.POST.get("withdraw", "")
        if contact is None or purpose not in ConsentPurpose.values:
            messages.error(request, _("Nothing to withdraw."))
        elif consent_withdraw(contact=contact, purpose=purpose):
            messages.success(
                request,
                _("Your consent for “%(purpose)s” was withdrawn.")
                % {"purpose": ConsentPurpose(purpose).label},
            )
        else:
            messages.info(request, _("That consent was already withdrawn."))
        return redirect("my-data")

    def set_time_zone(self, request):
        value = request.POST.get("time_zone", "")
        try:
            validate_time_zone(value)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            request.user.time_zone = value
            request.user.save(update_fields=["time_zone"])
            messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": value})
        return redirect("my-data")


class PersonalDataDownloadView(LoginRequiredMixin, View):
    """JSON export of one contact's personal data, for the contact themself or the team."""

    def get(self, request, pk: int | None = None):
        if pk is None:
            contact = getattr(request.user, "contact", None)
            if contact is None:
                raise Http404
        else:
            contact = get_object_or_404(Contact, pk=pk)
            if not is_team(request.user):
                raise PermissionDenied
        data = selectors.contact_personal_data_with_meetings(contact=contact)
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="personal-data-{contact.pk}.json"'
        return response


# --- Panel draw of a round session (issue 3) ---------------------------------------------------

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
        meetings = selectors.meetings_visible_to(user=request.user)
        self.meeting = get_object_or_404(meetings, pk=kwargs["pk"])
        if not request.user.has_perm("meetings.manage_meeting", self.meeting):
            raise PermissionDenied
        if not self.meeting.is_round_session:
            raise Http404(_("Panels are drawn for consultation-round sessions only."))
        return super().dispatch(request, *args, **kwargs)

    def pool_choices(self):
        return list(volunteer_pool().values_list("pk", "name"))

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
                must_invite=[str(o) for o in current.must_invite],
            )
        form = forms.PanelDrawForm(initial=initial, pool_choices=self.pool_choices())
        return self.render(request, form, current)

    def render(self, request, form, current, status=200):
        earlier = PanelDraw.objects.filter(meeting=self.meeting, is_current=False).select_related(
            "created_by"
        )
        sent = self.meeting.invitations.exclude(
            status__in=["drafted", "waitlisted", "cancelled"]
        ).exists()
        context = {
            "meeting": self.meeting,
            "form": form,
            "draw": current,
            "earlier_draws": earlier,
            "invitations_sent": sent,
            "criterion_labels": forms.CRITERION_LABELS,
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
                    forms.CRITERION_LABELS.get(criterion, criterion),
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
        form = forms.PanelDrawForm(request.POST, pool_choices=self.pool_choices())
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
        form = forms.PanelSwapForm(request.POST)
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
