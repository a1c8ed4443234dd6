from django.utils import timezone, translation


class UserLanguageMiddleware:
    """Activate a signed-in user's preferred language and time zone (placed after
    authentication and ``LocaleMiddleware``, so it overrides the browser's Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        if user is not None and user.is_authenticated and user.time_zone:
            timezone.activate(user.time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
