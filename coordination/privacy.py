"""Helpers of the erasure of a person's data: the text scrubber that replaces a person's
name, e-mail address and phone number by their pseudonym, and the keyed hash (the
tombstone) that lets a later import recognise an erased address without keeping it."""

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings


def email_tombstone(email: str) -> str:
    """The keyed hash of an e-mail address (HMAC-SHA256 with ``ERASURE_TOMBSTONE_KEY``): the
    same address always gives the same value, which reveals nothing without the key."""
    key = settings.ERASURE_TOMBSTONE_KEY.encode()
    normalised = (email or "").strip().lower().encode()
    return hmac.new(key, b"erased-email:" + normalised, hashlib.sha256).hexdigest()


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
