"""Upload checks: the type of an attachment is decided by its content (magic bytes, the
structure of an Office Open XML package, Pillow for images), never by its name. Texts that
reach iCalendar or e-mail headers: control characters removed (``single_line``,
``multi_line``), applied by the services whatever the door."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Every control character (C0, DEL, C1 — CR and LF included) and the Unicode line and
# paragraph separators: a bare CR in a title would become a line break on the wire of an
# iCalendar file or an e-mail header and could inject properties.
_LINE_BREAKING = "\u2028\u2029"


def _is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc" or character in _LINE_BREAKING


def single_line(value) -> str:
    """A one-line text (a title, a place, a name): each run of control characters becomes
    one space; the ends are trimmed."""
    text = str(value or "")
    if not any(_is_control(character) for character in text):
        return text.strip()
    cleaned = "".join(" " if _is_control(character) else character for character in text)
    return re.sub(r" {2,}", " ", cleaned).strip()


def multi_line(value) -> str:
    """A text of several lines: CRLF, bare CR and the Unicode separators become LF; other
    control characters except TAB are removed."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(
        character
        for character in text
        if character in "\n\t" or unicodedata.category(character) != "Cc"
    )


# Agenda attachments: large enough for a slide deck, small enough for an e-mail.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    label: str
    mimetype: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
DOCX = FileType(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileType(
    "PPTX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("GIF", "image/gif", (".gif",))
WEBP = FileType("WebP", "image/webp", (".webp",))

ALLOWED_TYPES = (PDF, DOCX, XLSX, PPTX, PNG, JPEG, GIF, WEBP)
OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
IMAGE_FORMATS = {"PNG": PNG, "JPEG": JPEG, "GIF": GIF, "WEBP": WEBP}


def _sniff_ooxml(upload) -> FileType | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            for part, file_type in OOXML_MAIN_PARTS.items():
                if part in names:
                    return file_type
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _sniff_image(upload) -> FileType | None:
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return IMAGE_FORMATS.get(image_format or "")


def sniff_file_type(upload) -> FileType | None:
    """The allowed type ``upload`` (a file object) really is, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(upload)
    if (
        head.startswith(b"\x89PNG\r\n\x1a\n")
        or head.startswith(b"\xff\xd8\xff")
        or head.startswith((b"GIF87a", b"GIF89a"))
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
    ):
        return _sniff_image(upload)
    return None


def attachment_check(upload, *, max_bytes: int = ATTACHMENT_MAX_BYTES) -> FileType:
    """Validate an uploaded attachment; return its detected type or raise ValidationError."""
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{max_bytes / 1_048_576:.0f}"},
            code="too_large",
        )
    file_type = sniff_file_type(upload)
    if file_type is None:
        raise ValidationError(
            _(
                "This file is not an accepted type. Accepted: PDF, DOCX, XLSX, PPTX and images "
                "(PNG, JPEG, GIF, WebP). The type is checked by the file's content, not its name."
            ),
            code="type",
        )
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if extension not in file_type.extensions:
        raise ValidationError(
            _("The file's content is %(type)s but its name ends in “%(ext)s”.")
            % {"type": file_type.label, "ext": extension or _("(no extension)")},
            code="extension",
        )
    return file_type
