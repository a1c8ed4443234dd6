"""Pages of scheduling, invitations, RSVP and calendars. Thin: validate with a form, call one
service, render."""

import hashlib

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from coordination.models import ConsultationRound, WorkingGroup, new_feed_token
from meetings import emails, ical, selectors, selectors_scheduling
from meetings.forms_scheduling import (
    AddInviteeForm,
    AnswerForm,
    DelegateForm,
    MeetingForm,
    OccurrenceForm,
)
from meetings.models import Invitation, Meeting
from meetings.services import invitations as invitation_services
from meetings.services import scheduling

REVOKED_PREFIX = "revoked-"


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (non-field errors otherwise)."""
    field_map = {"starts_at": "start_time", "ends_at": "end_time"}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = field_map.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ManagedMeetingMixin(LoginRequiredMixin):
    def get_meeting(self) -> Meeting:
        meeting = get_object_or_404(
            Meeting.objects.select_related("working_group", "consultation_round", "facilitator"),
            pk=self.kwargs["pk"],
        )
        if not self.request.user.has_perm("meetings.manage_meeting", meeting):
            raise PermissionDenied
        return meeting


class MeetingCreateView(LoginRequiredMixin, FormView):
    template_name = "meetings/meeting_form.html"
    form_class = MeetingForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.group = self.round = None
        group_id, round_id = request.GET.get("group", ""), request.GET.get("round", "")
        if (group_id and not group_id.isdigit()) or (round_id and not round_id.isdigit()):
            raise Http404
        if group_id:
            self.group = get_object_or_404(WorkingGroup, pk=group_id)
            allowed = request.user.has_perm("coordination.manage_group", self.group)
        elif round_id:
            self.round = get_object_or_404(ConsultationRound, pk=round_id)
            allowed = request.user.has_perm("coordination.manage_round", self.round)
        else:
            return self._chooser(request)
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _chooser(self, request):
        """Without a group or round: the ones this user may schedule for."""
        user = request.user
        groups = [
            g
            for g in WorkingGroup.objects.filter(is_active=True).prefetch_related("memberships")
            if user.has_perm("coordination.manage_group", g)
        ]
        rounds = [
            r
            for r in ConsultationRound.objects.all()
            if user.has_perm("coordination.manage_round", r)
        ]
        if not groups and not rounds:
            raise PermissionDenied
        return render(
            request, "meetings/meeting_create_choose.html", {"groups": groups, "rounds": rounds}
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["is_round_session"] = self.round is not None
        return kwargs

    def get_initial(self):
        initial = {"reminders": "7, 1", "interval": 1}
        if self.round is not None:
            initial["capacity"] = self.round.capacity_per_session
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.group or self.round
        context["is_new"] = True
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = scheduling.meeting_create(
                by=self.request.user,
                working_group=self.group,
                consultation_round=self.round,
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                timezone_name=data["timezone_name"],
                format=data["format"],
                location=data["location"],
                online_url=data["online_url"],
                language=data["language"],
                capacity=data["capacity"],
                recurrence_rule=data.get("recurrence_rule", ""),
                reminder_offsets=data["reminders"],
                confirm_long=data.get("confirm_long", False),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting was created."))
        _warn_conflicts(self.request, meeting)
        return redirect("meeting-detail", pk=meeting.pk)


def _warn_conflicts(request, meeting) -> None:
    for conflict in selectors_scheduling.meeting_conflicts(meeting=meeting)[:10]:
        messages.warning(request, conflict.message)


class MeetingEditView(ManagedMeetingMixin, FormView):
    template_name = "meetings/meeting_form.html"
    form_class = MeetingForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = self.get_meeting()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["is_round_session"] = self.meeting.is_round_session
        return kwargs

    def get_initial(self):
        return MeetingForm.initial_from(self.meeting)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        context["parent"] = self.meeting.working_group or self.meeting.consultation_round
        context["is_new"] = False
        if self.meeting.recurrence_rule:
            context["occurrence_form"] = OccurrenceForm(meeting=self.meeting)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        changes = {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "timezone": data["timezone_name"],
            "format": data["format"],
            "location": data["location"],
            "online_url": data["online_url"],
            "language": data["language"],
            "capacity": data["capacity"],
            "reminder_offsets": data["reminders"],
        }
        if not self.meeting.is_round_session:
            changes["recurrence_rule"] = data.get("recurrence_rule", "")
        try:
            meeting = scheduling.meeting_update(
                meeting=self.meeting,
                by=self.request.user,
                confirm_long=data.get("confirm_long", False),
                **changes,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting was saved."))
        _warn_conflicts(self.request, meeting)
        return redirect("meeting-detail", pk=meeting.pk)


class OccurrenceView(ManagedMeetingMixin, View):
    def post(self, request, pk):
        meeting = self.get_meeting()
        form = OccurrenceForm(request.POST, meeting=meeting)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "cancel":
                    scheduling.occurrence_cancel(
                        meeting=meeting, occurrence_start=data["occurrence_start"], by=request.user
                    )
                    messages.success(request, _("That meeting of the series was cancelled."))
                else:
                    scheduling.occurrence_move(
                        meeting=meeting,
                        occurrence_start=data["occurrence_start"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        by=request.user,
                    )
                    messages.success(request, _("That meeting of the series was moved."))
                return redirect("meeting-detail", pk=meeting.pk)
            except ValidationError as exc:
                _form_errors(form, exc)
        return render(
            request,
            "meetings/meeting_form.html",
            {
                "form": MeetingForm(
                    initial=MeetingForm.initial_from(meeting),
                    is_round_session=meeting.is_round_session,
                ),
                "occurrence_form": form,
                "meeting": meeting,
                "parent": meeting.working_group,
                "is_new": False,
            },
            status=400,
        )


class MeetingCancelView(ManagedMeetingMixin, View):
    def get(self, request, pk):
        return render(request, "meetings/meeting_cancel.html", {"meeting": self.get_meeting()})

    def post(self, request, pk):
        meeting = self.get_meeting()
        try:
            scheduling.meeting_cancel(meeting=meeting, by=request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect("meeting-detail", pk=meeting.pk)
        messages.success(request, _("The meeting was cancelled; the invitees are told."))
        return redirect("meeting-detail", pk=meeting.pk)


def _render_overview(request, meeting, add_form=None, status=200):
    context = {
        "meeting": meeting,
        "overview": selectors_scheduling.invitation_overview(meeting=meeting),
        "add_form": add_form or AddInviteeForm(),
        "conflicts": selectors_scheduling.meeting_conflicts(meeting=meeting),
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
            messages.error(request, _error_text(exc))
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
            messages.error(request, _error_text(exc))
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
        if not request.user.has_perm("meetings.manage_meeting", invitation.meeting):
            raise PermissionDenied
        try:
            invitation_services.invitation_remove(invitation=invitation, by=request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The invitee was removed."))
        return redirect("meeting-invitations", pk=invitation.meeting_id)


class OutboxRetryView(LoginRequiredMixin, View):
    def post(self, request, pk, message_pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        if not request.user.has_perm("meetings.manage_meeting", meeting):
            raise PermissionDenied
        if not meeting.invitations.filter(outbound_messages__pk=message_pk).exists():
            raise Http404
        emails.outbox_retry(message_id=message_pk)
        messages.success(request, _("The e-mail will be sent again."))
        return redirect("meeting-invitations", pk=pk)


# --- RSVP (no log-in: the signed link is the key) -------------------------------------------


@method_decorator(never_cache, name="dispatch")
class RsvpView(View):
    template_name = "meetings/rsvp.html"

    def _invitation(self, token):
        try:
            return invitation_services.invitation_from_token(token), None
        except invitation_services.RsvpTokenError as exc:
            return None, _error_text(exc)

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
            "comment": invitation.comment,
            "participation_language": invitation.participation_language,
            "needs_interpretation": invitation.needs_interpretation,
            "accessibility_needs": invitation.accessibility_needs,
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
            try:
                result = invitation_services.invitation_answer(
                    invitation=invitation, **form.cleaned_data
                )
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


# --- Calendars --------------------------------------------------------------------------------


def _ics_response(calendar, *, filename: str, last_modified=None, request=None) -> HttpResponse:
    body = calendar.to_ical()
    etag = quote_etag(hashlib.sha256(_stable(body)).hexdigest()[:32])
    if request is not None:
        if_none_match = request.headers.get("If-None-Match", "")
        if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*":
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if (
            not if_none_match
            and since is not None
            and last_modified is not None
            and int(last_modified.timestamp()) <= since
        ):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def _stable(body: bytes) -> bytes:
    """The feed without its DTSTAMP lines (they change on every request)."""
    return b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))


class MeetingIcsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        meeting = get_object_or_404(
            selectors.meetings_visible_to(user=request.user).select_related("facilitator"), pk=pk
        )
        invitation = (
            meeting.invitations.filter(contact__user=request.user).select_related("contact").first()
        )
        calendar = ical.calendar_download(
            meeting=meeting, now=timezone.now(), invitation=invitation
        )
        return _ics_response(
            calendar, filename="invite.ics", last_modified=meeting.updated_at, request=request
        )


def _feed_user(token: str):
    if token.startswith(REVOKED_PREFIX):
        raise Http404
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    return user


@never_cache
def personal_feed(request, token):
    user = _feed_user(token)
    now = timezone.now()
    meetings, by_meeting = selectors_scheduling.feed_meetings_for_user(user=user, now=now)
    with translation.override(user.preferred_language or "en"):
        calendar = ical.calendar_feed(
            meetings=meetings,
            name=_("My meetings"),
            now=now,
            invitations_by_meeting=by_meeting,
        )
    last_modified = selectors_scheduling.feed_last_modified(meetings, by_meeting.values())
    return _ics_response(
        calendar, filename="meetings.ics", last_modified=last_modified, request=request
    )


@never_cache
def group_feed(request, token, slug):
    user = _feed_user(token)
    group = get_object_or_404(WorkingGroup, slug=slug)
    if not user.has_perm("meetings.subscribe_group", group):
        raise Http404
    meetings = selectors_scheduling.feed_meetings_for_group(group=group)
    with translation.override(user.preferred_language or "en"):
        calendar = ical.calendar_feed(meetings=meetings, name=group.name, now=timezone.now())
    return _ics_response(
        calendar,
        filename=f"{group.slug}.ics",
        last_modified=selectors_scheduling.feed_last_modified(meetings),
        request=request,
    )


class CalendarSettingsView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        active = not user.calendar_token.startswith(REVOKED_PREFIX)
        groups = WorkingGroup.objects.filter(
            memberships__contact__user=user, memberships__until__isnull=True
        ).distinct()
        return render(
            request,
            "meetings/calendar_settings.html",
            {
                "active": active,
                "feed_url": request.build_absolute_uri(
                    reverse("calendar-feed", args=[user.calendar_token])
                )
                if active
                else "",
                "group_feeds": [
                    (
                        group,
                        request.build_absolute_uri(
                            reverse("calendar-group-feed", args=[user.calendar_token, group.slug])
                        ),
                    )
                    for group in groups
                ]
                if active
                else [],
            },
        )

    def post(self, request):
        user = request.user
        if request.POST.get("action") == "revoke":
            user.calendar_token = REVOKED_PREFIX + new_feed_token()
            messages.success(request, _("Your calendar links no longer work."))
        else:
            user.calendar_token = new_feed_token()
            messages.success(
                request, _("Your calendar links were renewed; the old ones no longer work.")
            )
        user.save(update_fields=["calendar_token"])
        return redirect("calendar-settings")
