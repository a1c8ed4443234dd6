"""Helpers of the erasure of a person's data: the text scrubber that replaces a person's
name, e-mail address and phone number by their pseudonym, the keyed hash (the tombstone)
that lets a later import recognise an erased address without keeping it, and the reader of
the text a stored file holds (to find the person in attachments, report copies and uploads):
a PDF's pages and metadata, the XML parts of an Office file or spreadsheet without their
markup, and for any file its raw bytes (metadata of images, uncompressed parts); and how
logs name an e-mail address without holding it."""

import hashlib
import hmac
import io
import logging
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


def _address_hash(purpose: bytes, email: str) -> str:
    """HMAC-SHA256 of an address (trimmed, in lower case) with ``ERASURE_TOMBSTONE_KEY``,
    apart for each ``purpose``."""
    key = settings.ERASURE_TOMBSTONE_KEY.encode()
    normalised = (email or "").strip().lower().encode()
    return hmac.new(key, purpose + normalised, hashlib.sha256).hexdigest()


def email_tombstone(email: str) -> str:
    """The keyed hash of an e-mail address: the same address always gives the same value,
    which reveals nothing without the key."""
    return _address_hash(b"erased-email:", email)


# An e-mail address inside a text (a server's answer, a reason given in a log).
ADDRESS_IN_TEXT = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


def address_reference(email: str) -> str:
    """How a log names an e-mail address: ``address:`` and 12 hex digits of its keyed hash,
    the same for the same address in any case. Logs go where no erasure reaches (the
    console, Sentry): they follow one address through their lines without naming it, and a
    suspect address is found by computing its reference."""
    return "address:" + _address_hash(b"logged-email:", email)[:12]


def addresses_referenced(text: str) -> str:
    """``text`` with every e-mail address in it written as its ``address_reference``."""
    return ADDRESS_IN_TEXT.sub(lambda found: address_reference(found.group()), text)


def login_attempt_logged(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes' log lines name a failed log-in (``AXES_CLIENT_STR_CALLABLE``): as
    its own format does, by the lock-out's parameters and the path, with an e-mail address
    typed as the username written as its ``address_reference``."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0] if path_info else ""
    fields = {
        "username": addresses_referenced(str(username or "")),
        "ip_address": ip_address or "",
        "path_info": path_info or "",
    }
    return "{" + ", ".join(f'{key}: "{value}"' for key, value in fields.items()) + "}"


def _name_pattern(name: str) -> str:
    words = [re.escape(w) for w in (name or "").split()]
    return r"\s+".join(words)


def _phone_patterns(phone: str) -> list[str]:
    """The phone number as written, and its digits with any separators between them."""
    digits = re.sub(r"\D", "", phone or "")
    patterns = []
    if phone.strip():
        patterns.append(re.escape(phone.strip()))
    if len(digits) >= 6:
        patterns.append(r"\+?" + r"[\s./()-]*".join(re.escape(d) for d in digits))
    return patterns


class Scrubber:
    """Replaces, in text and in JSON values, a person's name (whole words, any case, any
    spacing), e-mail address and phone number by a pseudonym."""

    def __init__(
        self, *, names: Iterable[str], emails: Iterable[str], phones: Iterable[str], pseudonym: str
    ):
        patterns = []
        for name in names:
            if len((name or "").strip()) >= 3:
                patterns.append(r"(?<!\w)" + _name_pattern(name) + r"(?!\w)")
        for email in emails:
            if email:
                patterns.append(re.escape(email))
        for phone in phones:
            patterns.extend(_phone_patterns(phone))
        # Longer alternatives first, so that a full name wins over a part of it.
        patterns.sort(key=len, reverse=True)
        self.pseudonym = pseudonym
        self.needles = [n for n in (*names, *emails, *phones) if n and len(n.strip()) >= 3]
        self._pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def text(self, value: str) -> str:
        if not value or self._pattern is None:
            return value
        return self._pattern.sub(self.pseudonym, value)

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value

    def finds(self, value: Any) -> bool:
        """Whether ``value`` (text or JSON) still names the person."""
        if self._pattern is None:
            return False
        return self.json(value) != value

    def search_terms(self) -> list[str]:
        """Substrings a database filter can use to find candidate rows (``icontains``)."""
        terms = []
        for needle in self.needles:
            words = needle.split()
            # A name may be written with other spacing: its longest word finds it.
            terms.append(max(words, key=len) if len(words) > 1 else needle)
        return sorted(set(terms))


# --- The text of a stored file ----------------------------------------------------------------


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


def file_text(content: bytes) -> str:
    """Every text ``content`` may show or carry, joined by line breaks. A file that cannot be
    parsed is judged by its raw bytes."""
    parts = [content.decode("utf-8", "replace"), content.decode("latin-1")]
    try:
        if content.startswith(b"%PDF"):
            parts += _pdf_text(content)
        elif content.startswith(b"PK"):
            parts += _office_text(content)
    except Exception:  # a damaged file: its raw bytes were read above
        logger.warning("A stored file could not be parsed; only its raw bytes were read")
    return "\n".join(parts)
