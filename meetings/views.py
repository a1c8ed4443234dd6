from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

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
        user = self.request.user
        context["can_manage"] = user.has_perm("meetings.manage_meeting", self.object)
        # Invitees see the agenda once it is published (issue 5).
        context["can_view_agenda"] = user.has_perm("meetings.view_agenda", self.object)
        context["agenda_items"] = (
            self.object.agenda_items.select_related("presenter")
            if context["can_view_agenda"]
            else []
        )
        return context
