"""What every page of the ``meetings`` app shares: the meeting a user may open or manage,
and a service's ValidationError shown on a form or as messages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from meetings.models import Meeting
from meetings.selectors.scheduling import meetings_visible_to


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


def validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)


def flash_errors(request, error: ValidationError) -> None:
    for message in validation_messages(error):
        messages.error(request, message)


def visible_meeting(request, pk: int) -> Meeting:
    return get_object_or_404(meetings_visible_to(user=request.user), pk=pk)


def managed_meeting(request, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("working_group", "consultation_round"), pk=pk
    )
    if not request.user.has_perm("meetings.manage_meeting", meeting):
        if request.user.has_perm("meetings.view_meeting", meeting):
            raise PermissionDenied
        raise Http404
    return meeting
