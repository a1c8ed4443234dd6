import io
import subprocess

import pypdf

from meetings.formats.pdf import html_to_pdf


def test_html_to_pdf_text_reads_back():
    pdf = html_to_pdf("<html><body><h1>Agenda</h1><p>Hello Bruxelles</p></body></html>")

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "Hello Bruxelles" in reader.pages[0].extract_text()


def test_html_to_pdf_ignores_remote_image():
    # WeasyPrint logs the refused fetch and renders without the image: no network access.
    pdf = html_to_pdf('<p>Text</p><img src="https://example.org/tracker.png">')

    assert pdf.startswith(b"%PDF-")


def test_html_to_pdf_renders_data_url_image_and_is_not_blank(tmp_path):
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    pdf = html_to_pdf(f'<h1>Title</h1><img src="{pixel}" width="50">')
    (tmp_path / "x.pdf").write_bytes(pdf)

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "x.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )

    assert sorted(p.name for p in tmp_path.glob("page*.png")) == ["page-1.png"]
