"""The home page: what matters to the signed-in user."""

from django.utils import timezone
from django.views.generic import TemplateView

from meetings.selectors.actions import my_action_items
from meetings.selectors.invitations import my_open_invitations
from meetings.selectors.scheduling import my_upcoming_meetings


class HomeView(TemplateView):
    """What matters to the signed-in user: upcoming meetings, open invitations and their
    action items. Visitors see a short introduction and the sign-in link."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["upcoming_meetings"] = my_upcoming_meetings(user=user)
            context["open_invitations"] = list(my_open_invitations(user=user))
            context["action_items"] = list(my_action_items(user=user)[:20])
            context["today"] = timezone.localdate()
        return context
