"""The PDF helper fetches only file: and data: URLs."""

import pytest

from meetings.formats.pdf import PdfFetchRefused, pdf_url_fetcher


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x.png", "https://example.org/x.css", "ftp://example.org/f"]
)
def test_pdf_url_fetcher_refuses_network_urls(url):
    with pytest.raises(PdfFetchRefused):
        pdf_url_fetcher(url)


def test_pdf_url_fetcher_reads_data_urls():
    result = pdf_url_fetcher("data:text/plain;base64,aGVsbG8=")

    content = result.get("string") or result["file_obj"].read()
    assert content == b"hello"
