"""The language of the pages that links sent to one person open, and the browser's
remembered choice."""

from django.conf import settings
from django.utils import translation


def link_page_language(request, person_language: str = "") -> str:
    """The language of a page opened by a link sent to one person (an answer, time poll,
    feedback, report-back, mark-as-done, consents or sign-in link): the one chosen in this
    browser with the site's language menu, so that the menu works there too; else the
    person's (the language of the e-mail the link came in); else the browser's."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen).lower()
        except LookupError:
            pass  # not a language of this site: as if none was chosen
    return person_language or translation.get_language()


def language_cookie_set(response, language: str) -> None:
    """Remember ``language`` in this browser as the language menu does (Django's
    ``set_language``, with the same cookie settings)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
