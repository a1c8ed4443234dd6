"""Pages of scheduling, invitations, RSVP and calendars. Thin: validate with a form, call one
service, render."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from coordination import dates
from coordination.models import ConsultationRound, WorkingGroup
from coordination.rules import ROUND_ADD_SESSION, acts_as_participant, round_refusals
from coordination.selectors import groups_led_by, rounds_facilitated_by
from coordination.validators import id_or_none
from meetings.enums import InvitationStatus, MeetingFormat, MeetingStatus
from meetings.forms.scheduling import ConflictCheckForm, MeetingForm, OccurrenceForm
from meetings.models import Meeting, TimeProposal
from meetings.recurrence import aware_from_local
from meetings.rules import permission_require
from meetings.selectors.invitations import invitation_counts, removals_undoable
from meetings.selectors.polls import open_poll, time_poll_open_of_meeting
from meetings.selectors.scheduling import (
    UpcomingDate,
    meeting_conflicts,
    meetings_visible_to,
    occurrence_answer_counts,
    occurrence_invitations_of,
    series_dates,
    time_proposals_open,
    upcoming_dates,
)
from meetings.services import invitations as invitation_services
from meetings.services import scheduling
from meetings.services.invitations import invitation_token
from meetings.services.poll_links import time_poll_token
from meetings.views.base import (
    ManagedMeetingMixin,
    error_text,
    form_errors,
    url_maker,
    visible_meeting,
)

# What the list reads of each meeting (``meeting_list_rows``): one dictionary per row.
LISTED_FIELDS = (
    "pk", "title", "starts_at", "format", "status", "working_group__name",
    "consultation_round__title",
)  # fmt: skip


def meeting_list_rows(meetings: list[dict]) -> list[dict]:
    """What the list of meetings shows of each one (``LISTED_FIELDS``), ready for the
    template (which then only prints): dates formatted, labels and links resolved once per
    page."""
    detail_url = url_maker("meeting-detail")
    formats = {value: str(label) for value, label in MeetingFormat.choices}
    statuses = {value: str(label) for value, label in MeetingStatus.choices}
    poll_open_label = _("time to be chosen by a poll")
    return [
        {
            "pk": meeting["pk"],
            "url": detail_url(meeting["pk"]),
            "title": meeting["title"],
            "when": (
                poll_open_label
                if meeting["time_poll_open"]
                else dates.medium_datetime(meeting["starts_at"])
            ),
            "group": meeting["working_group__name"] or meeting["consultation_round__title"] or "",
            "format": formats.get(meeting["format"], meeting["format"]),
            "status": meeting["status"],
            "status_label": statuses.get(meeting["status"], meeting["status"]),
        }
        for meeting in meetings
    ]


def upcoming_rows(upcoming: list[UpcomingDate]) -> list[dict]:
    """The coming dates as the list shows them: a date of a series not yet a meeting of its
    own links to its opening by its original start in the series' time zone."""
    detail_url = url_maker("meeting-detail")
    open_url = reverse("occurrence-open", args=[2_147_483_647, "ORIGINAL"])
    formats = {value: str(label) for value, label in MeetingFormat.choices}
    rows = []
    for date in upcoming:
        meeting = date.meeting
        if date.occurrence:
            url = detail_url(date.occurrence.pk)
        elif date.original:
            original = timezone.localtime(date.original, ZoneInfo(meeting.timezone))
            url = open_url.replace("2147483647", str(meeting.pk), 1).replace(
                "ORIGINAL", original.strftime("%Y%m%dT%H%M"), 1
            )
        else:
            url = detail_url(meeting.pk)
        rows.append(
            {
                "url": url,
                "title": date.title,
                "when": dates.medium_datetime(date.starts_at),
                "until": dates.time_of_day(date.ends_at),
                "moved": date.moved,
                "series": bool(meeting.recurrence_rule),
                "group": str(meeting.working_group or meeting.consultation_round),
                "format": formats.get(meeting.format, meeting.format),
            }
        )
    return rows


# The coming dates the meeting list shows before a link to all of them.
COMING_DATES_SHOWN = 10


class MeetingListView(LoginRequiredMixin, ListView):
    """Upcoming meetings first (soonest first); past ones apart (latest first); a search on
    the title, the group or round, and the place."""

    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        self.past = self.request.GET.get("when") == "past"
        self.query = " ".join(self.request.GET.get("q", "").split())[:100]
        # A series whose first date is a meeting of its own is listed by its dates only.
        first_date_is_a_meeting = Exists(
            Meeting.objects.filter(
                recurrence_parent=OuterRef("pk"), recurrence_id=OuterRef("starts_at")
            )
        )
        meetings = (
            meetings_visible_to(user=self.request.user)
            .exclude(first_date_is_a_meeting)
            .select_related(None)
            .annotate(time_poll_open=time_poll_open_of_meeting())
            .values(*LISTED_FIELDS, "time_poll_open")
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
        context |= {
            "past": self.past,
            "query": self.query,
            "rows": meeting_list_rows(context["meetings"]),
        }
        if not self.past and not self.query:  # the coming dates, each date of a series apart
            every_date = self.request.GET.get("dates") == "all"
            coming = upcoming_dates(
                user=self.request.user, limit=None if every_date else COMING_DATES_SHOWN
            )
            context["upcoming"] = coming.dates
            context["upcoming_more"] = coming.more
            context["upcoming_rows"] = upcoming_rows(coming.dates)
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

        if self.object.is_occurrence:
            return context | self._occurrence_context(context["can_manage"])
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
        context["open_poll"] = poll = open_poll(self.object)
        polled = (
            self.object.invitations.filter(contact__user=user, status=InvitationStatus.DRAFTED)
            .order_by("pk")
            .first()
            if poll is not None and poll.deadline > timezone.now()
            else None
        )
        if polled is not None:  # their own link, as their e-mail carries it
            token = time_poll_token(poll=poll, invitation=polled)
            context["my_poll_url"] = reverse("time-poll-answer", args=[token])
        if context["can_manage"]:
            context["conflicts"] = meeting_conflicts(meeting=self.object)
            context["time_proposals"] = time_proposals_open(meeting=self.object)
            context["rsvp"] = invitation_counts(meeting=self.object)
            context["removals_undoable"] = removals_undoable(meeting=self.object)
        return context

    def _occurrence_context(self, can_manage: bool) -> dict:
        """One date of a series: its series, the visitor's answer to it (their answer to
        the series unless they answered this date on its own) and, for its managers, the
        answers and the buttons that cancel or move it."""
        occurrence = self.object
        series_invitation, own = occurrence_invitations_of(
            occurrence=occurrence, user=self.request.user
        )
        context = {"series": occurrence.recurrence_parent}
        if series_invitation is not None:
            context["my_invitation"] = own or series_invitation
            context["my_series_invitation"] = series_invitation
            context["answered_on_its_own"] = own is not None
            context["my_rsvp_url"] = reverse("rsvp", args=[invitation_token(series_invitation)])
        if can_manage:
            context["rsvp"] = occurrence_answer_counts(occurrence=occurrence)
            context["occurrence_form"] = OccurrenceForm(
                occurrence=occurrence, initial=OccurrenceForm.initial_from(occurrence)
            )
        return context


class MeetingCreateView(LoginRequiredMixin, FormView):
    template_name = "meetings/meeting_form.html"
    form_class = MeetingForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.group = self.round = None
        group_ref, round_ref = request.GET.get("group", ""), request.GET.get("round", "")
        group_id, round_id = id_or_none(group_ref), id_or_none(round_ref)
        if (group_ref and group_id is None) or (round_ref and round_id is None):
            raise Http404
        if group_id is not None:
            self.group = get_object_or_404(WorkingGroup, pk=group_id)
            allowed = request.user.has_perm("coordination.manage_group", self.group)
        elif round_id is not None:
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
        """Without a group or round: the ones this user may schedule for (the rules of
        ``manage_group`` and ``manage_round``, read in one query each)."""
        user = request.user
        if acts_as_participant(user):
            raise PermissionDenied
        groups = list(groups_led_by(user=user).filter(is_active=True).order_by("name"))
        rounds = list(rounds_facilitated_by(user=user).order_by("-created_at"))
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
        kwargs["is_occurrence"] = self.meeting.is_occurrence
        return kwargs

    def get_initial(self):
        return MeetingForm.initial_from(self.meeting)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        context["parent"] = self.meeting.working_group or self.meeting.consultation_round
        context["is_new"] = False
        context["conflict_scope"] = f"meeting={self.meeting.pk}"
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


class OccurrenceOpenView(LoginRequiredMixin, View):
    """One date of a series, from the series' page or the meeting list: the meeting of
    that date (created the first time it is opened), by its original start in the series'
    time zone (``20270315T1000``)."""

    def get(self, request, pk, original):
        series = get_object_or_404(
            meetings_visible_to(user=request.user).filter(recurrence_parent__isnull=True), pk=pk
        )
        try:
            local = dt.datetime.strptime(original, "%Y%m%dT%H%M")
            moment = aware_from_local(local, series.timezone)
            occurrence = scheduling.occurrence_ensure(series=series, occurrence_start=moment)
        except (ValueError, ValidationError) as exc:
            raise Http404 from exc
        return redirect("meeting-detail", pk=occurrence.pk)


class OccurrenceView(ManagedMeetingMixin, View):
    """The buttons of one date of a series (on its page): cancel it, move it, or give it and
    the following dates a new time."""

    def post(self, request, pk):
        occurrence = self.get_meeting()
        if not occurrence.is_occurrence:
            raise Http404
        series = occurrence.recurrence_parent
        form = OccurrenceForm(request.POST, occurrence=occurrence)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("meeting-detail", pk=occurrence.pk)
        data = form.cleaned_data
        original = occurrence.recurrence_id
        try:
            if data["action"] == "cancel":
                scheduling.occurrence_cancel(
                    meeting=series, occurrence_start=original, by=request.user
                )
                messages.success(request, _("That meeting of the series was cancelled."))
            elif data["action"] == "following":
                rest = scheduling.series_following_change(
                    meeting=series,
                    occurrence_start=original,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    by=request.user,
                )
                messages.success(
                    request, _("This date and the following ones are now a series of their own.")
                )
                return redirect("meeting-detail", pk=rest.pk)
            else:
                scheduling.occurrence_move(
                    meeting=series,
                    occurrence_start=original,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    by=request.user,
                )
                messages.success(request, _("That meeting of the series was moved."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("meeting-detail", pk=occurrence.pk)


class OccurrenceAnswerView(LoginRequiredMixin, View):
    """An invitee's answer for one date of a series, from that date's page ("I cannot come
    to this date"); their answer to the series holds for the other dates."""

    def post(self, request, pk):
        occurrence = visible_meeting(request, pk)
        series_invitation, _own = occurrence_invitations_of(
            occurrence=occurrence, user=request.user
        )
        if not occurrence.is_occurrence or series_invitation is None:
            raise Http404
        try:
            invitation_services.occurrence_answer(
                occurrence=occurrence,
                invitation=series_invitation,
                answer=request.POST.get("answer", ""),
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Thank you: your answer for this date was saved."))
        return redirect("meeting-detail", pk=occurrence.pk)


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


class ConflictCheckView(LoginRequiredMixin, View):
    """Conflicts of a date and time being chosen, before saving: holidays and double
    bookings, in the user's language, as JSON for the meeting form's script (without
    JavaScript they are shown after saving). Query: the form's date, start_time, end_time
    and timezone_name, and ``meeting`` (being edited) or ``group`` / ``round``."""

    def get(self, request):
        data = request.GET
        meeting = None
        meeting_id, group_id, round_id = (
            id_or_none(data.get(name, "")) for name in ("meeting", "group", "round")
        )
        if meeting_id is not None:
            meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=meeting_id)
            permission_require(request.user, "meetings.manage_meeting", meeting)
        elif group_id is not None:
            group = get_object_or_404(WorkingGroup, pk=group_id)
            if not request.user.has_perm("coordination.manage_group", group):
                raise PermissionDenied
            meeting = Meeting(working_group=group)
        elif round_id is not None:
            round_ = get_object_or_404(ConsultationRound, pk=round_id)
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
