import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# The session key that marks a session opened by a sign-in link.
PARTICIPANT_SESSION_KEY = "signed_in_by_link"


def participant_session_end(sender, request, user, **kwargs) -> None:
    """A new log-in ends the participant-only limit of a session opened by a link."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(PARTICIPANT_SESSION_KEY, None)


class ParticipantSessionMiddleware:
    """A session opened by a sign-in link has participant rights only, even for a person who
    is also team or facilitator (those rights need the password): the user of such a request
    is marked ``acts_as_participant`` (every team and facilitator rule is then false) and
    loses staff and superuser status for this request only (the admin, DRF's admin checks and
    Django's own permissions then refuse too). Nothing is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(PARTICIPANT_SESSION_KEY):
            user = request.user
            if user.is_authenticated:
                user.acts_as_participant = True
                user.is_staff = False
                user.is_superuser = False
        return self.get_response(request)


class UserLanguageMiddleware:
    """Activate a signed-in user's preferred language and time zone for their request (placed
    after authentication and ``LocaleMiddleware``, so it overrides the browser's
    Accept-Language), and restore the previous ones afterwards: the thread that serves the
    next request, or runs the next task, never inherits them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        language = user.preferred_language if signed_in and user.preferred_language else None
        zone = user.time_zone if signed_in and user.time_zone else None
        previous = translation.get_language()
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            with timezone.override(zone):
                response = self.get_response(request)
        finally:
            if language and previous:
                translation.activate(previous)
        if language:
            # LocaleMiddleware, outside this one, keeps a Content-Language already set.
            response.headers.setdefault("Content-Language", language)
        return response


# The session keys of the idle time-out: the limit chosen at sign-in, and the last request.
IDLE_TIMEOUT_KEY = "idle_timeout"
LAST_ACTIVITY_KEY = "last_activity"
# The last-request time is written at most once a minute (a session write per request
# otherwise).
ACTIVITY_RESOLUTION_SECONDS = 60


def session_idle_timeout_for(user) -> int:
    """Seconds without a request after which ``user``'s session ends (0: none but the
    cookie's age): ``SESSION_IDLE_TIMEOUT_TEAM`` for the team and facilitators,
    ``SESSION_IDLE_TIMEOUT`` for everyone else."""
    from coordination.rules import is_facilitator, is_team

    if is_team(user) or is_facilitator(user):
        return settings.SESSION_IDLE_TIMEOUT_TEAM
    return settings.SESSION_IDLE_TIMEOUT


def session_idle_timeout_start(sender, request, user, **kwargs) -> None:
    """At sign-in (``user_logged_in``): the session's idle limit and its first activity."""
    timeout = session_idle_timeout_for(user)
    if timeout:
        request.session[IDLE_TIMEOUT_KEY] = timeout
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """Signs out a session that made no request for its idle limit (placed after
    authentication); the next page asks to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        timeout = session.get(IDLE_TIMEOUT_KEY) if session is not None else None
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last = session.get(LAST_ACTIVITY_KEY, 0)
            if now - last > timeout:
                logout(request)
            elif now - last >= ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class GoneRecordMiddleware:
    """A record gone by the time a service reads or locks it (deleted by someone else after
    the view found it, as when two facilitators edit and delete the same agenda item) is a
    404 page, as an unknown id is, not a server error; logged with its traceback, since a
    programming error looks the same. The API's exception handler does the same for the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ObjectDoesNotExist):
            logger.warning("A record was gone: %s", exception, exc_info=exception)
            raise Http404(str(exception)) from exception
        return None
