"""The PDF helper fetches only file: and data: URLs."""

import io

import pytest
from pypdf import PdfReader

from meetings.pdf import BlockedURLError, html_to_pdf, local_url_fetcher


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x.png", "https://example.org/x.css", "ftp://example.org/f"]
)
def test_local_url_fetcher_refuses_network_urls(url):
    with pytest.raises(BlockedURLError):
        local_url_fetcher(url)


def test_local_url_fetcher_reads_data_urls():
    result = local_url_fetcher("data:text/plain;base64,aGVsbG8=")

    content = result.get("string") or result["file_obj"].read()
    assert content == b"hello"


def test_html_to_pdf_renders_without_fetching_remote_images():
    html = (
        '<html lang="fr"><head><title>Essai</title></head><body><p>Bonjour</p>'
        '<img src="http://127.0.0.1:9/tracker.png" alt="remote"></body></html>'
    )

    pdf = html_to_pdf(html, variant="pdf/ua-1")

    reader = PdfReader(io.BytesIO(pdf))
    # The image was not fetched: its alt text stands in its place.
    assert reader.pages[0].extract_text().strip() == "Bonjour\nremote"
    assert reader.metadata.title == "Essai"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
