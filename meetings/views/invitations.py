"""Pages of invitations: the facilitator's overview (send, remind, add, remove, retry an
e-mail) and the RSVP page that answers without signing in (the signed link is the key)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.cache import never_cache

from coordination.enums import AccessAction, Door
from coordination.languages import link_page_language
from coordination.services import access_record, contact_details_shown_record
from coordination.views import ContactLookupView
from meetings import emails
from meetings.formats import ical
from meetings.forms.invitations import AddInviteeForm, AnswerForm, DelegateForm
from meetings.models import DelegationRequest, Invitation
from meetings.recurrence import aware_from_local
from meetings.rules import permission_require
from meetings.selectors.agendas import agenda_cache_generation
from meetings.selectors.invitations import (
    contacts_invitable,
    invitation_delegation,
    invitation_overview,
    removals_undoable,
)
from meetings.selectors.polls import open_poll
from meetings.selectors.scheduling import meeting_conflicts, series_dates_answered
from meetings.services import invitations as invitation_services
from meetings.services import scheduling as scheduling_services
from meetings.views.access import link_post_rate_limit
from meetings.views.base import ManagedMeetingMixin, error_text, managed_meeting
from meetings.views.calendars import conditional_ics_response

# The one-press button of an answer proposed by the e-mail's link.
PROPOSED_LABELS = (
    ("accepted", gettext_lazy("Yes, I will take part")),
    ("tentative", gettext_lazy("Maybe: record my answer as tentative")),
    ("declined", gettext_lazy("No, I cannot take part")),
)


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
    if overview["delegation_requests"]:  # the addresses, outside the directory, they name
        contact_details_shown_record(
            by=request.user,
            contacts=[],
            detail=f"meeting {meeting.pk} delegation requests",
            count=len(overview["delegation_requests"]),
        )
    context = {
        "meeting": meeting,
        "overview": overview,
        "add_form": add_form or AddInviteeForm(meeting=meeting),
        "conflicts": meeting_conflicts(meeting=meeting),
        "removals_undoable": removals_undoable(meeting=meeting),
        "open_poll": open_poll(meeting),
    }
    return render(request, "meetings/invitation_overview.html", context, status=status)


class InvitationOverviewView(ManagedMeetingMixin, View):
    def get(self, request, pk):
        return _render_overview(request, self.get_meeting())


class InvitationsSendView(ManagedMeetingMixin, View):
    """Send the drafted invitations. Without a published agenda, a confirmation comes first:
    the survey's respondents asked for meetings with a clear agenda (Q49)."""

    def post(self, request, pk):
        meeting = self.get_meeting()
        if meeting.agenda_published_at is None and request.POST.get("without_agenda") != "1":
            return render(request, "meetings/invitations_send_confirm.html", {"meeting": meeting})
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
        form = AddInviteeForm(request.POST, meeting=meeting)
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


class InviteeLookupView(ManagedMeetingMixin, ContactLookupView):
    """Who may be added to the meeting, suggested while a name is typed."""

    def contacts(self):
        return contacts_invitable(meeting=self.get_meeting())


class InvitationRemoveView(LoginRequiredMixin, View):
    """GET: ask first (works without JavaScript). POST: remove the invitee."""

    def get(self, request, pk):
        invitation = get_object_or_404(
            Invitation.objects.select_related("meeting", "contact__organisation"), pk=pk
        )
        permission_require(request.user, "meetings.manage_meeting", invitation.meeting)
        return render(
            request,
            "meetings/invitation_remove.html",
            {"invitation": invitation, "meeting": invitation.meeting},
        )

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


class InvitationRestoreView(LoginRequiredMixin, View):
    """POST (a form on the meeting's pages, no JavaScript needed): undo a removal."""

    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects.select_related("meeting"), pk=pk)
        permission_require(request.user, "meetings.manage_meeting", invitation.meeting)
        try:
            restored = invitation_services.invitation_restore(
                invitation=invitation, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            if restored.status == "waitlisted":
                messages.success(
                    request,
                    _(
                        "%(name)s is invited again. No seat was free any more: they are on "
                        "the waitlist (position %(position)s)."
                    )
                    % {"name": restored.contact.name, "position": restored.waitlist_position},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s is invited again, as before the removal.")
                    % {"name": restored.contact.name},
                )
        next_page = request.POST.get("next")
        if next_page == "meeting":
            return redirect("meeting-detail", pk=invitation.meeting_id)
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
@method_decorator(link_post_rate_limit, name="post")
class RsvpView(View):
    """The page of an answer link, in the invitee's language. The e-mail's Accept, Tentative
    and Decline lead here with the answer proposed: one press (a POST) records it; opening
    the page records nothing. It then shows the answer as recorded (the waitlist plainly),
    "change my answer", the .ics download and how to add it to a calendar."""

    template_name = "meetings/rsvp.html"

    def dispatch(self, request, token):
        """The page is in the invitee's language (that of the invitation, or, for a link
        that is only too old, that of the invitee it was sent to), unless another was chosen
        with the language menu (``link_page_language``)."""
        try:
            self.invitation, failure = invitation_services.invitation_from_token(token), None
        except invitation_services.RsvpTokenError as exc:
            self.invitation, failure = None, exc
        language = link_page_language(
            request,
            self.invitation.contact.preferred_language if self.invitation else failure.language,
        )
        self.link_expired = failure is not None and failure.code == "expired"
        with translation.override(language):
            self.error = error_text(failure) if failure else None
            response = super().dispatch(request, token)
        response.headers["Content-Language"] = language
        return response

    def _render(
        self, request, invitation, form, delegate_form, status=200, error=None, proposed=""
    ):
        meeting = invitation.meeting if invitation else None
        token = self.kwargs["token"]
        return render(
            request,
            self.template_name,
            {
                "invitation": invitation,
                "meeting": meeting,
                "agenda_items": meeting.agenda_items.order_by("position")
                if meeting and meeting.agenda_published_at
                else [],
                "agenda_generation": agenda_cache_generation()
                if meeting and meeting.agenda_published_at
                else 0,
                "form": form,
                "delegate_form": delegate_form,
                "error": error,
                "link_expired": self.link_expired,
                "proposed": proposed,
                "proposed_label": dict(PROPOSED_LABELS).get(proposed, ""),
                "answered": invitation is not None
                and invitation.status in (*invitation_services.ANSWERS, "waitlisted"),
                "ics_url": reverse("rsvp-ics", args=[token]) if invitation else "",
                # The answer form offers to erase what was given before (never shown back).
                "has_earlier_details": invitation is not None
                and bool(
                    invitation.comment
                    or invitation.accessibility_needs
                    or invitation.needs_interpretation
                ),
                "answered_dates": series_dates_answered(invitation=invitation)
                if invitation and invitation.status in invitation_services.ANSWERABLE
                else [],
                **(invitation_delegation(invitation=invitation) if invitation else {}),
            },
            status=status,
        )

    def get(self, request, token):
        invitation, error = self.invitation, self.error
        if invitation is None:
            return self._render(request, None, None, None, status=404, error=error)
        proposed = request.GET.get("answer", "")
        if proposed not in invitation_services.ANSWERS or proposed == invitation.status:
            proposed = ""
        initial = {
            "answer": proposed
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
            proposed=proposed,
        )

    def post(self, request, token):
        invitation, error = self.invitation, self.error
        if invitation is None:
            return self._render(request, None, None, None, status=404, error=error)
        if "delegate" in request.POST:
            return self._delegate(request, token, invitation)
        if "date" in request.POST:
            return self._answer_date(request, token, invitation)
        if "undo_delegation" in request.POST:
            return self._undo_delegation(request, token, invitation)
        if "one_press" in request.POST:
            # The answer alone: the details given before are kept.
            data = {
                "answer": request.POST.get("answer", ""),
                "comment": invitation.comment,
                "participation_language": invitation.participation_language,
                "needs_interpretation": "on" if invitation.needs_interpretation else "",
                "accessibility_needs": invitation.accessibility_needs,
            }
            form = AnswerForm({key: value for key, value in data.items() if value})
        else:
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

    def _answer_date(self, request, token, invitation):
        """The answer for one date of the series ("I cannot come to this date")."""
        series = invitation.meeting
        try:
            local = dt.datetime.strptime(request.POST.get("date", ""), "%Y%m%dT%H%M")
            occurrence = scheduling_services.occurrence_ensure(
                series=series, occurrence_start=aware_from_local(local, series.timezone)
            )
            invitation_services.occurrence_answer(
                occurrence=occurrence,
                invitation=invitation,
                answer=request.POST.get("date_answer", ""),
            )
        except ValueError:
            messages.error(request, _("The series has no meeting at that time."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Thank you: your answer for this date was saved."))
        return redirect("rsvp", token=token)

    def _undo_delegation(self, request, token, invitation):
        try:
            if invitation.status == "delegated":
                invitation_services.invitation_delegation_undo(invitation=invitation)
            else:
                invitation_services.delegation_request_withdraw(invitation=invitation)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The seat is yours again."))
        return redirect("rsvp", token=token)

    def _delegate(self, request, token, invitation):
        delegate_form = DelegateForm(request.POST, invitation=invitation)
        if delegate_form.is_valid():
            data = delegate_form.cleaned_data
            try:
                outcome = invitation_services.invitation_delegation_request(
                    invitation=invitation,
                    colleague=data.get("colleague"),
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                )
            except ValidationError as exc:
                delegate_form.add_error(None, exc)
            else:
                if outcome.delegate is not None:
                    messages.success(
                        request,
                        _("%(name)s received an invitation in your place.")
                        % {"name": outcome.delegate.contact.name},
                    )
                    return redirect("rsvp", token=token)
                messages.info(
                    request,
                    _(
                        "%(email)s is not an address of your organisation: a facilitator "
                        "decides first. Until then the seat stays yours."
                    )
                    % {"email": outcome.request.email},
                )
                return redirect("rsvp", token=token)
        return self._render(request, invitation, AnswerForm(), delegate_form, status=400)


@never_cache
def rsvp_ics(request, token):
    """The meeting as an .ics file for the invitee of an answer link (no sign-in needed)."""
    try:
        invitation = invitation_services.invitation_from_token(token)
    except invitation_services.RsvpTokenError as exc:
        raise Http404(error_text(exc)) from exc
    meeting = invitation.meeting
    calendar = ical.calendar_download(meeting=meeting, now=timezone.now(), invitation=invitation)
    return conditional_ics_response(
        request, calendar, filename="invite.ics", last_modified=meeting.updated_at
    )


class DelegationRequestDecideView(LoginRequiredMixin, View):
    """A facilitator approves or refuses a delegation to an address outside the
    organisation."""

    def post(self, request, pk):
        delegation = get_object_or_404(
            DelegationRequest.objects.select_related("invitation__meeting"), pk=pk
        )
        meeting = delegation.invitation.meeting
        permission_require(request.user, "meetings.manage_meeting", meeting)
        approve = request.POST.get("decision") == "approve"
        try:
            invitation_services.delegation_request_decide(
                request=delegation, approve=approve, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("The delegation was approved.") if approve else _("The delegation was refused."),
            )
        return redirect("meeting-invitations", pk=meeting.pk)


class InvitationDelegationUndoView(LoginRequiredMixin, View):
    """A facilitator gives the seat back to the invitee while the delegate has not answered."""

    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects.select_related("meeting"), pk=pk)
        permission_require(request.user, "meetings.manage_meeting", invitation.meeting)
        try:
            invitation_services.invitation_delegation_undo(invitation=invitation, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The delegation was undone."))
        return redirect("meeting-invitations", pk=invitation.meeting_id)
