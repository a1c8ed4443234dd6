from django.utils import timezone, translation


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
