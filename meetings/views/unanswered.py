"""Who has not answered, per session (facilitators): the invitation, the time poll and the
feedback, with one "remind" button each."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from coordination.validators import id_or_none
from meetings.models import Invitation
from meetings.selectors.unanswered import meeting_unanswered
from meetings.services import unanswered as services
from meetings.views.base import ManagedMeetingMixin, error_text


class UnansweredView(ManagedMeetingMixin, View):
    template_name = "meetings/unanswered.html"

    def get(self, request, pk):
        meeting = self.get_meeting()
        context = {"meeting": meeting, "groups": meeting_unanswered(meeting=meeting)}
        return render(request, self.template_name, context)

    def post(self, request, pk):
        meeting = self.get_meeting()
        kind = request.POST.get("kind", "")
        invitation_id = id_or_none(request.POST.get("invitation", ""))
        if invitation_id is None or kind not in services.KINDS:
            messages.error(request, _("Choose an invitee to remind."))
            return redirect("meeting-unanswered", pk=meeting.pk)
        invitation = get_object_or_404(
            Invitation.objects.select_related("contact", "meeting"),
            pk=invitation_id,
            meeting=meeting,
        )
        invitation.meeting = meeting
        try:
            services.invitee_remind(invitation=invitation, kind=kind, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("A reminder is on its way to %(name)s.") % {"name": invitation.contact.name},
            )
        return redirect("meeting-unanswered", pk=meeting.pk)
