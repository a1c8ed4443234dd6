from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from coordination.enums import ConsentPurpose
from coordination.models import Contact
from coordination.rules import is_team
from coordination.services import consent_withdraw
from meetings import selectors


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
        context["can_manage"] = self.request.user.has_perm("meetings.manage_meeting", self.object)
        context["agenda_items"] = self.object.agenda_items.select_related("presenter")
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
        if contact is not None:
            context["consents"] = contact.consents.order_by("-given_at")
        return context

    def post(self, request, *args, **kwargs):
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
