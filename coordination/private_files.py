"""Private files (MEDIA_ROOT: reports, exports, agenda attachments, survey uploads): stored
under unguessable names and handed out only by views that checked the user's permission
first. Nothing serves MEDIA_ROOT directly, in development either.

After the check, :func:`private_file_response` streams the file itself, or lets the web
server send it when ``PRIVATE_FILES_SERVER`` is ``nginx`` (``X-Accel-Redirect`` to an
``internal`` location at ``PRIVATE_FILES_URL``) or ``xsendfile`` (``X-Sendfile``: Apache
mod_xsendfile, lighttpd, Caddy), through django-sendfile2."""

import secrets

from django.conf import settings
from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django_sendfile import sendfile


def private_name() -> str:
    """A random part for a stored file name (128 bits: never guessed, never enumerated)."""
    return secrets.token_urlsafe(16)


def private_file_response(
    request: HttpRequest, file: File, *, filename: str, content_type: str
) -> HttpResponseBase:
    """The download of a stored file the user was allowed to see, as an attachment."""
    if settings.SENDFILE_BACKEND:
        return sendfile(
            request,
            file.path,
            attachment=True,
            attachment_filename=filename,
            mimetype=content_type,
        )
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
