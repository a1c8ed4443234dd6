"""How the project writes its log lines and error reports: one record on one line, and no
credential in a logged or reported path (the tokens of the personal links are the keys to
someone's answers, calendar and consents; a log goes where no revocation reaches)."""

import logging
import re
from urllib.parse import urlsplit, urlunsplit

# The URL arguments that are credentials: the tokens of personal links, password resets.
SECRET_URL_ARGUMENTS = ("token", "uidb64")


def one_line(text: str) -> str:
    """``text`` with its line breaks and other control characters written as escapes
    (``\\n``, ``\\x1b``, ``\\u2028``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def path_logged(path: str) -> str:
    """``path`` as a log writes it: each credential in it (``SECRET_URL_ARGUMENTS`` of the
    URL it resolves to), a whole segment, replaced by its argument's name:
    ``/rsvp/<token>/``, ``/calendar/<token>.ics``."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except (Resolver404, ValueError, UnicodeError):
        return path
    for name in SECRET_URL_ARGUMENTS:
        value = match.kwargs.get(name)
        if value:
            segment = re.compile(rf"/{re.escape(str(value))}(?=[/.]|$)")
            path = segment.sub(f"/<{name}>", path, count=1)
    return path


class OneLineFormatter(logging.Formatter):
    """The plain format, each record on one line: what a message carries from outside (a
    calendar's UID, a username typed at the log-in) cannot start a line that reads as a
    record of its own. A traceback follows on its own lines, as Python writes it."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return one_line(super().formatMessage(record))


class SecretPathFilter(logging.Filter):
    """Writes the path of a request's record (Django's "Not Found: /rsvp/…", "Bad Request:
    …", "Forbidden (CSRF …): …") as ``path_logged`` does, in the message and in the request
    a JSON line shows beside it (by its method and that path, never its query string)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if not isinstance(path, str):
            return True
        logged = path_logged(path)
        if logged != path and isinstance(record.args, tuple):
            record.args = tuple(logged if arg == path else arg for arg in record.args)
        record.request = f"{getattr(request, 'method', '')} {logged}".strip()
        return True


def error_report_scrubbed(event: dict, hint: dict) -> dict:
    """Sentry's ``before_send``: the request of an error report named as the access log
    names it, by its path (``path_logged``), without query string or referrer."""
    request = event.get("request")
    if isinstance(request, dict):
        url = request.get("url")
        if isinstance(url, str):
            parts = urlsplit(url)
            request["url"] = urlunsplit(
                (parts.scheme, parts.netloc, path_logged(parts.path), "", "")
            )
        request.pop("query_string", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            for name in [name for name in headers if name.lower() == "referer"]:
                del headers[name]
    return event
