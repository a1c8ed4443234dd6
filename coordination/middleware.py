from django.utils import timezone, translation

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
