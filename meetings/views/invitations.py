"""Pages of invitations: the facilitator's overview (send, remind, add, remove, retry an
e-mail) and the RSVP page that answers without signing in (the signed link is the key)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache

from coordination.enums import AccessAction, Door
from coordination.services import access_record
from meetings import emails
from meetings.forms.invitations import AddInviteeForm, AnswerForm, DelegateForm
from meetings.models import Invitation
from meetings.rules import permission_require
from meetings.selectors.invitations import invitation_overview
from meetings.selectors.scheduling import meeting_conflicts
from meetings.services import invitations as invitation_services
from meetings.views.base import ManagedMeetingMixin, error_text, managed_meeting


def _render_overview(request, meeting, add_form=None, status=200):
    overview = invitation_overview(meeting=meeting)
    with_needs = [
        i.contact_id
        for i in overview["invitations"]
        if i.accessibility_needs or i.needs_interpretation or i.participation_language
    ]
    if with_needs:
        access_record(
            actor=request.user,
            action=AccessAction.NEEDS_VIEWED,
            door=Door.PAGE,
            contacts=with_needs,
            detail=f"meeting {meeting.pk}",
        )
    context = {
        "meeting": meeting,
        "overview": overview,
        "add_form": add_form or AddInviteeForm(),
        "conflicts": meeting_conflicts(meeting=meeting),
    }
    return render(request, "meetings/invitation_overview.html", context, status=status)


class InvitationOverviewView(ManagedMeetingMixin, View):
    def get(self, request, pk):
        return _render_overview(request, self.get_meeting())


class InvitationsSendView(ManagedMeetingMixin, View):
    def post(self, request, pk):
        meeting = self.get_meeting()
        try:
            count = invitation_services.invitations_send(meeting=meeting, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s invitation is being sent.", "%(n)s invitations are being sent.", count
                )
                % {"n": count},
            )
        return redirect("meeting-invitations", pk=meeting.pk)


class InvitationsNudgeView(ManagedMeetingMixin, View):
    def post(self, request, pk):
        meeting = self.get_meeting()
        try:
            count = invitation_services.invitations_nudge(meeting=meeting, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                ngettext("%(n)s reminder is being sent.", "%(n)s reminders are being sent.", count)
                % {"n": count},
            )
        return redirect("meeting-invitations", pk=meeting.pk)


class InvitationAddView(ManagedMeetingMixin, View):
    def post(self, request, pk):
        meeting = self.get_meeting()
        form = AddInviteeForm(request.POST)
        if form.is_valid():
            try:
                invitation_services.invitation_add(
                    meeting=meeting, contact=form.cleaned_data["contact"], by=request.user
                )
            except ValidationError as exc:
                form.add_error("contact", exc)
            else:
                messages.success(request, _("The invitee was added."))
                return redirect("meeting-invitations", pk=meeting.pk)
        return _render_overview(request, meeting, add_form=form, status=400)


class InvitationRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects.select_related("meeting"), pk=pk)
        permission_require(request.user, "meetings.manage_meeting", invitation.meeting)
        try:
            invitation_services.invitation_remove(invitation=invitation, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The invitee was removed."))
        return redirect("meeting-invitations", pk=invitation.meeting_id)


class OutboxRetryView(LoginRequiredMixin, View):
    def post(self, request, pk, message_pk):
        meeting = managed_meeting(request, pk)
        if not meeting.invitations.filter(outbound_messages__pk=message_pk).exists():
            raise Http404
        emails.outbox_retry(message_id=message_pk)
        messages.success(request, _("The e-mail will be sent again."))
        return redirect("meeting-invitations", pk=pk)


@method_decorator(never_cache, name="dispatch")
class RsvpView(View):
    template_name = "meetings/rsvp.html"

    def _invitation(self, token):
        try:
            return invitation_services.invitation_from_token(token), None
        except invitation_services.RsvpTokenError as exc:
            return None, error_text(exc)

    def _render(self, request, invitation, form, delegate_form, status=200, error=None):
        meeting = invitation.meeting if invitation else None
        return render(
            request,
            self.template_name,
            {
                "invitation": invitation,
                "meeting": meeting,
                "agenda_items": meeting.agenda_items.order_by("position") if meeting else [],
                "form": form,
                "delegate_form": delegate_form,
                "error": error,
            },
            status=status,
        )

    def get(self, request, token):
        invitation, error = self._invitation(token)
        if invitation is None:
            return self._render(request, None, None, None, status=404, error=error)
        initial = {
            "answer": request.GET.get("answer")
            or (invitation.status if invitation.status in invitation_services.ANSWERS else ""),
            # The comment and the needs (possibly health data) are never shown back to
            # whoever holds the link: empty fields keep them, "erase" removes them.
            "participation_language": invitation.participation_language,
        }
        return self._render(
            request,
            invitation,
            AnswerForm(initial=initial),
            DelegateForm(invitation=invitation),
        )

    def post(self, request, token):
        invitation, error = self._invitation(token)
        if invitation is None:
            return self._render(request, None, None, None, status=404, error=error)
        if "delegate" in request.POST:
            return self._delegate(request, token, invitation)
        form = AnswerForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data.pop("forget_earlier"):
                if not data["comment"].strip():
                    data["comment"] = invitation.comment
                if not data["needs_interpretation"] and not data["accessibility_needs"].strip():
                    data["needs_interpretation"] = invitation.needs_interpretation
                    data["accessibility_needs"] = invitation.accessibility_needs
            try:
                result = invitation_services.invitation_answer(invitation=invitation, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if result.waitlisted:
                    messages.warning(
                        request,
                        _(
                            "The meeting is full: you are on the waitlist (position "
                            "%(n)s). We will write to you if a seat frees up."
                        )
                        % {"n": result.invitation.waitlist_position},
                    )
                else:
                    messages.success(request, _("Thank you: your answer was saved."))
                return redirect("rsvp", token=token)
        return self._render(
            request, invitation, form, DelegateForm(invitation=invitation), status=400
        )

    def _delegate(self, request, token, invitation):
        delegate_form = DelegateForm(request.POST, invitation=invitation)
        if delegate_form.is_valid():
            data = delegate_form.cleaned_data
            try:
                delegate = invitation_services.invitation_delegate(
                    invitation=invitation,
                    colleague=data.get("colleague"),
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                )
            except ValidationError as exc:
                delegate_form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s received an invitation in your place.")
                    % {"name": delegate.contact.name},
                )
                return redirect("rsvp", token=token)
        return self._render(request, invitation, AnswerForm(), delegate_form, status=400)
