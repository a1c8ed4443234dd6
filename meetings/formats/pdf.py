"""The one place HTML becomes PDF (WeasyPrint), shared by agendas, minutes and reports.

Call ``html_to_pdf(html)`` with a complete HTML document rendered from a template. Only
``file:`` and ``data:`` URLs are fetched (stylesheets and images under ``base_url`` or inline);
any other URL (http, https, ftp...) is refused, so a document can never make the server reach
out to the network. Fonts come from the system (DejaVu is installed and is the default family
of ``templates/pdf/base.html``).

WeasyPrint is imported inside the functions (it is slow to import) so that the web process
starts fast; rendering a multi-page document takes about a second: do it in a django-q2 task
when a request would otherwise wait for several documents.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

ALLOWED_URL_SCHEMES = frozenset({"file", "data"})


class PdfFetchRefused(ValueError):
    """Raised by the URL fetcher for any URL that is not file: or data:."""


def pdf_url_fetcher(url: str, timeout: int = 10, ssl_context=None):
    """A WeasyPrint URL fetcher that allows only ``file:`` and ``data:`` URLs."""
    from weasyprint import default_url_fetcher

    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_URL_SCHEMES:
        raise PdfFetchRefused(f"URL scheme not allowed in PDF rendering: {scheme or '(none)'}")
    return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)


def html_to_pdf(html: str, *, base_url: str | None = None, variant: str | None = None) -> bytes:
    """Render one HTML document to PDF bytes.

    ``base_url``: where relative URLs resolve (a ``file:`` directory URL or a path), or None.
    ``variant``: a WeasyPrint PDF variant such as ``"pdf/a-3b"`` or ``"pdf/ua-1"``, or None for
    plain PDF.
    """
    from weasyprint import HTML

    options = {"pdf_tags": True}  # tagged PDF: structure for screen readers
    if variant:
        options["pdf_variant"] = variant
    document = HTML(string=html, base_url=base_url, url_fetcher=pdf_url_fetcher)
    return document.write_pdf(**options)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for @page margin boxes)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    escaped = re.sub(r"[\r\n]+", " ", escaped)
    return f'"{escaped}"'


def page_counter_css() -> str:
    """ "Page x of y" as CSS content, translated without gluing fragments in code."""
    marker = _("Page %(page)s of %(pages)s") % {"page": "\x00", "pages": "\x01"}
    parts = []
    for chunk in re.split(r"([\x00\x01])", marker):
        if chunk == "\x00":
            parts.append("counter(page)")
        elif chunk == "\x01":
            parts.append("counter(pages)")
        elif chunk:
            parts.append(css_string(chunk))
    return " ".join(parts)
