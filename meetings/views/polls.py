"""Pages of time polls: the facilitator proposes slots, reads the grid, reminds and picks;
an invitee answers through their personal link (no password)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from coordination.languages import link_page_language
from meetings.forms.polls import TimePollAnswerForm, TimePollForm
from meetings.models import TimePoll
from meetings.selectors.polls import time_poll_choices_of, time_poll_grid, time_poll_totals
from meetings.services import polls as poll_services
from meetings.views.base import (
    ManagedMeetingMixin,
    flash_errors,
    form_errors,
    link_refused,
)


class TimePollCreateView(ManagedMeetingMixin, View):
    template_name = "meetings/polls/poll_form.html"

    def _form(self, meeting, data=None):
        return TimePollForm(data, timezone_name=meeting.timezone)

    def get(self, request, pk):
        meeting = self.get_meeting()
        if hasattr(meeting, "time_poll"):
            return redirect("time-poll", pk=pk)
        context = {"meeting": meeting, "form": self._form(meeting)}
        return render(request, self.template_name, context)

    def post(self, request, pk):
        meeting = self.get_meeting()
        form = self._form(meeting, request.POST)
        if form.is_valid():
            try:
                poll_services.time_poll_create(
                    meeting=meeting,
                    slots=form.cleaned_data["slots"],
                    deadline=form.cleaned_data["deadline"],
                    confirm_long=form.cleaned_data["confirm_long"],
                    by=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "slots" in exc.error_dict:
                    slot_errors = exc.error_dict.pop("slots")
                    form.add_error(None, slot_errors)
                form_errors(form, exc)
            else:
                messages.success(request, _("The poll is open; each invitee received a link."))
                return redirect("time-poll", pk=pk)
        return render(request, self.template_name, {"meeting": meeting, "form": form}, status=400)


class TimePollView(ManagedMeetingMixin, View):
    """The grid for the meeting's facilitators and the team: who answered what, totals,
    who has not answered (with a reminder each), and the choice of the slot."""

    template_name = "meetings/polls/poll_grid.html"

    def _poll(self, meeting):
        poll = TimePoll.objects.filter(meeting=meeting).first()
        if poll is None:
            raise Http404
        return poll

    def get(self, request, pk):
        meeting = self.get_meeting()
        grid = time_poll_grid(poll=self._poll(meeting))
        return render(request, self.template_name, {"meeting": meeting, "grid": grid})

    def post(self, request, pk):
        meeting = self.get_meeting()
        poll = self._poll(meeting)
        try:
            if "remind" in request.POST:
                invitation = get_object_or_404(
                    meeting.invitations.select_related("contact"), pk=request.POST["remind"]
                )
                sent = poll_services.time_poll_remind(
                    poll=poll, invitation=invitation, by=request.user
                )
                if sent:
                    messages.success(
                        request, _("%(name)s is reminded.") % {"name": invitation.contact.name}
                    )
                else:
                    messages.info(
                        request,
                        _("%(name)s was already reminded today.")
                        % {"name": invitation.contact.name},
                    )
            elif "choose" in request.POST:
                slot = get_object_or_404(poll.slots, pk=request.POST["choose"])
                poll_services.time_poll_choose(poll=poll, slot=slot, by=request.user)
                messages.success(
                    request, _("The meeting is scheduled at the chosen slot; invitations are sent.")
                )
                return redirect("meeting-detail", pk=pk)
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect("time-poll", pk=pk)


@method_decorator(never_cache, name="dispatch")
class TimePollAnswerView(View):
    """An invitee's answer, in their language, through their personal link."""

    template_name = "meetings/polls/poll_answer.html"

    def _render(self, request, token, status=200, form=None):
        try:
            poll, invitation = poll_services.time_poll_from_token(token)
        except poll_services.PollTokenError as exc:
            return link_refused(request, self.template_name, exc)
        slots = list(poll.slots.all())
        if form is None:
            mine = time_poll_choices_of(poll=poll, invitation=invitation)
            form = TimePollAnswerForm(
                initial={f"slot_{pk}": choice for pk, choice in mine.items()}, slots=slots
            )
        context = {
            "poll": poll,
            "meeting": poll.meeting,
            "invitation": invitation,
            "form": form,
            "answered": time_poll_choices_of(poll=poll, invitation=invitation),
            "totals": time_poll_totals(poll=poll),
        }
        language = link_page_language(request, invitation.contact.preferred_language)
        with translation.override(language):
            response = render(request, self.template_name, context, status=status)
        response.headers["Content-Language"] = language
        return response

    def get(self, request, token):
        return self._render(request, token)

    def post(self, request, token):
        try:
            poll, invitation = poll_services.time_poll_from_token(token)
        except poll_services.PollTokenError:
            return self._render(request, token)
        form = TimePollAnswerForm(request.POST, slots=poll.slots.all())
        with translation.override(
            link_page_language(request, invitation.contact.preferred_language)
        ):
            if form.is_valid():
                try:
                    poll_services.time_poll_answer(
                        poll=poll, invitation=invitation, choices=form.choices()
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Thank you: your answer was saved."))
                    return redirect("time-poll-answer", token=token)
        return self._render(request, token, status=400, form=form)
