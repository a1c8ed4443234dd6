"""Test-only helpers: read PDFs and DOCX files back, render a PDF page to PNG (pdftoppm) and
check that it is not blank."""

import io
import subprocess
import tempfile
from pathlib import Path

import pypdf
from PIL import Image


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_page_png(pdf: bytes, page: int = 1, resolution: int = 40) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l", str(page),
             "-singlefile", str(source), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
        )  # fmt: skip
        with Image.open(Path(tmp) / "page.png") as image:
            return image.convert("L").copy()


def ink_ratio(image: Image.Image) -> float:
    """Share of pixels that are not (nearly) white."""
    histogram = image.histogram()
    dark = sum(histogram[:200])
    return dark / (image.width * image.height)


def assert_pdf_page_not_blank(pdf: bytes, page: int = 1) -> None:
    ratio = ink_ratio(pdf_page_png(pdf, page))
    assert ratio > 0.005, f"page {page} looks blank (ink ratio {ratio:.4f})"
