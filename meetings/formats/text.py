"""The text a stored file holds, to find a person's name in it (the erasure reads agenda
attachments and report copies with it): a PDF's pages and metadata, the XML parts of an
Office file without their markup, and for any file its raw bytes (metadata of images,
uncompressed parts)."""

from __future__ import annotations

import io
import logging
import re
import zipfile

logger = logging.getLogger(__name__)

# Larger parts of an Office file are not read (attachments are at most a few megabytes).
MAX_PART_BYTES = 20 * 1024 * 1024


def _office_text(content: bytes) -> list[str]:
    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.infolist():
            if not member.filename.endswith((".xml", ".rels")):
                continue
            if member.file_size > MAX_PART_BYTES:
                continue
            xml = archive.read(member).decode("utf-8", "replace")
            # Paragraph ends become line breaks; runs of one word are joined again.
            xml = re.sub(r"</(?:w|a):p>", "\n", xml)
            parts.append(re.sub(r"<[^>]+>", "", xml))
            parts.append(re.sub(r"<[^>]+>", " ", xml))
    return parts


def _pdf_text(content: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(value) for value in (reader.metadata or {}).values()]
    return parts


def document_text(content: bytes) -> str:
    """Every text ``content`` may show or carry, joined by line breaks. A file that cannot be
    parsed is judged by its raw bytes."""
    parts = [content.decode("latin-1")]
    try:
        if content.startswith(b"%PDF"):
            parts += _pdf_text(content)
        elif content.startswith(b"PK"):
            parts += _office_text(content)
    except Exception:  # a damaged file: its raw bytes were read above
        logger.warning("A stored file could not be parsed; only its raw bytes were read")
    return "\n".join(parts)
