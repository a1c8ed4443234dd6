"""HTML → PDF with WeasyPrint, fetching nothing over the network.

Only ``file:`` and ``data:`` URLs are fetched (stylesheets, fonts and images of the product);
any other URL fails, so a document can never make the server call out. WeasyPrint is imported
inside the function: it is heavy and only the workers need it."""

from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"file", "data"})


class BlockedURLError(ValueError):
    """A document asked for a URL whose scheme is not allowed."""


def local_url_fetcher(url: str, *args, **kwargs) -> dict:
    """A WeasyPrint URL fetcher that allows only ``file:`` and ``data:``."""
    from weasyprint import default_url_fetcher

    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(f"URL scheme not allowed in PDFs: {scheme or '(none)'}")
    return default_url_fetcher(url, *args, **kwargs)


def html_to_pdf(html: str, *, base_url=None, variant=None) -> bytes:
    """Render ``html`` to PDF bytes. ``variant`` is a WeasyPrint ``pdf_variant`` such as
    ``"pdf/ua-1"`` (tagged, accessible) or ``"pdf/a-3b"`` (archival); metadata (title,
    author, language) come from the document's ``<title>``, ``<meta>`` and ``lang``."""
    from weasyprint import HTML

    options = {"pdf_tags": True}
    if variant:
        options["pdf_variant"] = variant
    document = HTML(string=html, base_url=base_url, url_fetcher=local_url_fetcher)
    return document.write_pdf(**options)
