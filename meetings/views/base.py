"""What every page of the ``meetings`` app shares: the meeting a user may open or manage,
and a service's ValidationError shown on a form or as messages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from coordination.exceptions import InvalidTokenError
from coordination.languages import link_page_language
from coordination.links import url_maker  # noqa: F401  (the pages here import it from base)
from meetings.models import Meeting
from meetings.rules import permission_require
from meetings.selectors.scheduling import meetings_visible_to


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (non-field errors otherwise)."""
    field_map = {"starts_at": "start_time", "ends_at": "end_time"}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = field_map.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def link_refused(request, template_name: str, exc: InvalidTokenError, status: int = 404):
    """The page that says a link no longer opens anything: in the language chosen with the
    language menu, else in that of the person it was sent to when it is only too old, else
    in the browser's (``link_page_language``)."""
    language = link_page_language(request, exc.language)
    with translation.override(language):
        response = render(request, template_name, {"error": error_text(exc)}, status=status)
    response.headers["Content-Language"] = language
    return response


class ManagedMeetingMixin(LoginRequiredMixin):
    def get_meeting(self) -> Meeting:
        return managed_meeting(self.request, self.kwargs["pk"])


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
    """The meeting ``pk`` if the user manages it (403 if they only see it, else 404)."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("working_group", "consultation_round", "facilitator"),
        pk=pk,
    )
    return permission_require(request.user, "meetings.manage_meeting", meeting)
