"""Pages of scheduling, invitations, RSVP and calendars. Thin: validate with a form, call one
service, render."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from coordination.models import ConsultationRound, WorkingGroup
from coordination.rules import ROUND_ADD_SESSION, round_refusals
from meetings.forms.scheduling import ConflictCheckForm, MeetingForm, OccurrenceForm
from meetings.models import Meeting, TimeProposal
from meetings.rules import permission_require
from meetings.selectors.invitations import invitation_counts
from meetings.selectors.scheduling import (
    meeting_conflicts,
    meetings_visible_to,
    series_dates,
    time_proposals_open,
    upcoming_dates,
)
from meetings.services import scheduling
from meetings.services.invitations import invitation_token
from meetings.views.base import ManagedMeetingMixin, error_text, form_errors, url_maker


def _choice_labels(field_name: str) -> dict:
    return {value: str(label) for value, label in Meeting._meta.get_field(field_name).flatchoices}


def meeting_list_rows(meetings, upcoming) -> tuple[list[dict], list[dict] | None]:
    """What the meeting list shows of each meeting and each coming date, ready for the
    template: the date formats and the choice labels resolved once for the page, not per
    cell."""
    when, hour = get_format("DATETIME_FORMAT"), get_format("TIME_FORMAT")
    formats, statuses = _choice_labels("format"), _choice_labels("status")
    meeting_url = url_maker("meeting-detail")

    def cells(meeting: Meeting) -> dict:
        return {
            "meeting": meeting,
            "url": meeting_url(meeting.pk),
            "where": str(meeting.working_group or meeting.consultation_round or ""),
            "format": formats.get(meeting.format, meeting.format),
        }

    rows = [
        {
            **cells(meeting),
            "when": dateformat.format(timezone.localtime(meeting.starts_at), when),
            "status_label": statuses.get(meeting.status, meeting.status),
        }
        for meeting in meetings
    ]
    if upcoming is None:
        return rows, None
    dates = [
        {
            **cells(date.meeting),
            "when": dateformat.format(timezone.localtime(date.starts_at), when),
            "until": dateformat.time_format(timezone.localtime(date.ends_at), hour),
            "moved": date.moved,
        }
        for date in upcoming
    ]
    return rows, dates


class MeetingListView(LoginRequiredMixin, ListView):
    """Upcoming meetings first (soonest first); past ones apart (latest first); a search on
    the title, the group or round, and the place."""

    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        self.past = self.request.GET.get("when") == "past"
        self.query = " ".join(self.request.GET.get("q", "").split())[:100]
        meetings = meetings_visible_to(user=self.request.user).select_related(
            "working_group", "consultation_round"
        )
        now = timezone.now()
        if self.past:
            meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at")
        else:
            meetings = meetings.filter(ends_at__gte=now).order_by("starts_at")
        if self.query:
            meetings = meetings.filter(
                Q(title__icontains=self.query)
                | Q(working_group__name__icontains=self.query)
                | Q(consultation_round__title__icontains=self.query)
                | Q(location__icontains=self.query)
            )
        return meetings

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context |= {"past": self.past, "query": self.query}
        if not self.past and not self.query:  # every coming date, each date of a series apart
            context["upcoming"] = upcoming_dates(user=self.request.user)
        context["rows"], context["upcoming_rows"] = meeting_list_rows(
            context["meetings"], context.get("upcoming")
        )
        return context


class MeetingDetailView(LoginRequiredMixin, DetailView):
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_object(self, queryset=None):
        meetings = meetings_visible_to(user=self.request.user)
        return get_object_or_404(meetings, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_manage"] = user.has_perm("meetings.manage_meeting", self.object)
        # Invitees see the agenda once it is published.
        context["can_view_agenda"] = user.has_perm("meetings.view_agenda", self.object)
        context["agenda_items"] = (
            self.object.agenda_items.select_related("presenter")
            if context["can_view_agenda"]
            else []
        )

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
            context["my_invitation"] = mine
            context["my_rsvp_url"] = reverse("rsvp", args=[invitation_token(mine)])
        if context["can_manage"]:
            context["conflicts"] = meeting_conflicts(meeting=self.object)
            context["time_proposals"] = time_proposals_open(meeting=self.object)
            context["rsvp"] = invitation_counts(meeting=self.object)
        return context


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
        refused = self.round and round_refusals(self.round).get(ROUND_ADD_SESSION)
        if refused:
            # Say why, on the round's page, rather than offer a form that cannot succeed.
            messages.error(request, refused)
            return redirect("round-detail", pk=self.round.pk)
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
        context["conflict_scope"] = (
            f"group={self.group.pk}" if self.group else f"round={self.round.pk}"
        )
        return context

    def form_valid(self, form):
        try:
            meeting = scheduling.meeting_create(
                by=self.request.user,
                working_group=self.group,
                consultation_round=self.round,
                confirm_long=form.cleaned_data.get("confirm_long", False),
                **form.meeting_fields(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return self.form_invalid(form)
        if self.round is not None:
            messages.success(self.request, _("The session was added to the round."))
            _warn_conflicts(self.request, meeting)
            return redirect("round-detail", pk=self.round.pk)
        messages.success(self.request, _("The meeting was created."))
        _warn_conflicts(self.request, meeting)
        return redirect("meeting-detail", pk=meeting.pk)


def _warn_conflicts(request, meeting) -> None:
    for conflict in meeting_conflicts(meeting=meeting)[:10]:
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
        context["conflict_scope"] = f"meeting={self.meeting.pk}"
        if self.meeting.recurrence_rule:
            # "Move this date" on the meeting page opens this form for that date.
            chosen = self.request.GET.get("occurrence", "")
            initial = {"occurrence": chosen, "action": "move"} if chosen else {}
            context["occurrence_form"] = OccurrenceForm(meeting=self.meeting, initial=initial)
        return context

    def form_valid(self, form):
        try:
            meeting = scheduling.meeting_update(
                meeting=self.meeting,
                by=self.request.user,
                confirm_long=form.cleaned_data.get("confirm_long", False),
                **form.meeting_fields(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
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
                elif data["action"] == "following":
                    rest = scheduling.series_following_change(
                        meeting=meeting,
                        occurrence_start=data["occurrence_start"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        by=request.user,
                    )
                    messages.success(
                        request,
                        _("This date and the following ones are now a series of their own."),
                    )
                    return redirect("meeting-detail", pk=rest.pk)
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
                form_errors(form, exc)
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
            messages.error(request, error_text(exc))
            return redirect("meeting-detail", pk=meeting.pk)
        messages.success(request, _("The meeting was cancelled; the invitees are told."))
        return redirect("meeting-detail", pk=meeting.pk)


class TimeProposalDecideView(ManagedMeetingMixin, View):
    """Accept (reschedule the meeting) or decline (DECLINECOUNTER) a proposed time."""

    def post(self, request, pk, proposal_pk):
        meeting = self.get_meeting()
        proposal = get_object_or_404(TimeProposal, pk=proposal_pk, invitation__meeting=meeting)
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                scheduling.time_proposal_accept(proposal=proposal, by=request.user)
                messages.success(
                    request, _("The meeting was moved to the proposed time; the invitees are told.")
                )
            elif decision == "decline":
                scheduling.time_proposal_decline(proposal=proposal, by=request.user)
                messages.success(
                    request,
                    _("The proposal was declined; %(name)s is told.")
                    % {"name": proposal.invitation.contact.name},
                )
            else:
                messages.error(request, _("Choose to accept or to decline the proposal."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("meeting-detail", pk=meeting.pk)


def _an_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 10


class ConflictCheckView(LoginRequiredMixin, View):
    """Conflicts of a date and time being chosen, before saving: holidays and double
    bookings, in the user's language, as JSON for the meeting form's script (without
    JavaScript they are shown after saving). Query: the form's date, start_time, end_time
    and timezone_name, and ``meeting`` (being edited) or ``group`` / ``round``."""

    def get(self, request):
        data = request.GET
        meeting = None
        if _an_id(data.get("meeting", "")):
            meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=data["meeting"])
            permission_require(request.user, "meetings.manage_meeting", meeting)
        elif _an_id(data.get("group", "")):
            group = get_object_or_404(WorkingGroup, pk=data["group"])
            if not request.user.has_perm("coordination.manage_group", group):
                raise PermissionDenied
            meeting = Meeting(working_group=group)
        elif _an_id(data.get("round", "")):
            round_ = get_object_or_404(ConsultationRound, pk=data["round"])
            if not request.user.has_perm("coordination.manage_round", round_):
                raise PermissionDenied
            meeting = Meeting(consultation_round=round_)
        else:
            return JsonResponse({"conflicts": [], "errors": [_("Say which meeting.")]}, status=400)
        form = ConflictCheckForm(data)
        if not form.is_valid():
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            return JsonResponse({"conflicts": [], "errors": errors}, status=400)
        meeting.starts_at = form.cleaned_data["starts_at"]
        meeting.ends_at = form.cleaned_data["ends_at"]
        meeting.timezone = form.cleaned_data["timezone_name"]
        conflicts = meeting_conflicts(meeting=meeting)[:20]
        return JsonResponse(
            {"conflicts": [{"kind": c.kind, "message": c.message} for c in conflicts]}
        )
