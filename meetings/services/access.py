"""Sign-in links: every e-mail to a contact opens the pages it speaks of, signed in as that
contact, without a password.

A link is a django-sesame token whose scope binds it to the contact, to the person's current
sign-in key and to a "valid until" moment carried in the link itself:
``/sign-in/link/?c=<contact>&u=<valid until, epoch seconds>&sesame=<token>&next=<page>``.
Changing ``c`` or ``u`` breaks the signature; a new sign-in key (asked for on "My data", or
set when the contact is erased) revokes every earlier link; so does a new password. A link
of a deactivated or erased contact works no more. The session it opens has participant
rights only (``coordination.middleware.PARTICIPANT_SESSION_KEY``).

Opening a link changes nothing: it signs in (a session) and shows a page; answers, comments
and "done" always need a press on a button (a POST)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from sesame.backends import ModelBackend as SesameBackend
from sesame.utils import get_token

from coordination.exceptions import InvalidTokenError
from coordination.models import Contact, User
from coordination.selectors import person_name
from coordination.services import contact_account_ensure
from meetings import emails

SCOPE_PREFIX = "participant"


class SignInLinkError(InvalidTokenError):
    """A sign-in link that is expired (code ``expired``: authentic, only too old; its
    ``language`` is its contact's) or not valid (code ``invalid``: tampered with, or
    withdrawn, which cannot be told apart, so that a forged link learns nothing of the
    contact it names, not even whether they exist)."""


def _scope(*, contact_id: int, user: User, until: int) -> str:
    return f"{SCOPE_PREFIX}:{contact_id}:{user.sign_in_key}:{until}"


def sign_in_link_valid_until(
    *, meeting_end: dt.datetime | None = None, now: dt.datetime | None = None
) -> dt.datetime:
    """When a link expires: ``SIGN_IN_LINK_DAYS_AFTER_MEETING`` days after the end of the
    meeting it is about (when that lies ahead), otherwise ``SIGN_IN_LINK_DAYS`` days from
    now."""
    now = now or timezone.now()
    if meeting_end is not None and meeting_end > now:
        return meeting_end + dt.timedelta(days=settings.SIGN_IN_LINK_DAYS_AFTER_MEETING)
    return now + dt.timedelta(days=settings.SIGN_IN_LINK_DAYS)


@dataclass
class SignInLinks:
    """Builds the signed links of one e-mail to one contact (one account look-up)."""

    contact: Contact
    user: User | None
    until: int

    def url(self, path: str) -> str:
        """``path`` (a page of this site) behind a sign-in link; the plain page address for
        a contact who cannot be given a log-in (no e-mail, deactivated, erased)."""
        if self.user is None:
            return settings.SITE_URL + path
        scope = _scope(contact_id=self.contact.pk, user=self.user, until=self.until)
        query = urlencode(
            {
                "c": self.contact.pk,
                "u": self.until,
                settings.SESAME_TOKEN_NAME: get_token(self.user, scope=scope),
                "next": path,
            },
            safe="/",
        )
        return f"{settings.SITE_URL}{reverse('sign-in-link')}?{query}"


def sign_in_links_for(
    *,
    contact: Contact,
    meeting_end: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> SignInLinks:
    """The sign-in links of an e-mail to ``contact`` (its account is created if it has
    none), valid as ``sign_in_link_valid_until`` says."""
    until = int(sign_in_link_valid_until(meeting_end=meeting_end, now=now).timestamp())
    try:
        user = contact_account_ensure(contact=contact)
    except ValidationError:
        user = None
    if user is not None and not user.is_active:
        user = None
    return SignInLinks(contact=contact, user=user, until=until)


def sign_in_link_url(*, contact: Contact, path: str, meeting_end: dt.datetime | None = None) -> str:
    return sign_in_links_for(contact=contact, meeting_end=meeting_end).url(path)


def sign_in_link_check(
    *, contact_id: str, until: str, token: str, now: dt.datetime | None = None
) -> tuple[User, Contact]:
    """The person and contact a sign-in link opens, or SignInLinkError (code ``invalid`` or
    ``expired``). Reads only: nothing is written."""
    invalid = SignInLinkError(
        _("This sign-in link is not valid: it was withdrawn, or copied incompletely."),
        code="invalid",
    )
    try:
        contact_pk, until_ts = int(contact_id), int(until)
    except (TypeError, ValueError):
        raise invalid from None
    if not token or contact_pk <= 0 or not (0 < until_ts < 2**40):
        raise invalid
    contact = Contact.objects.select_related("user").filter(pk=contact_pk).first()
    user = contact.user if contact is not None else None
    if user is None or not user.is_active or contact.erased_at or not contact.is_active:
        raise invalid
    scope = _scope(contact_id=contact.pk, user=user, until=until_ts)
    signed = SesameBackend().authenticate(None, sesame=token, scope=scope)
    if signed is None or signed.pk != user.pk:
        raise invalid
    now = now or timezone.now()
    if until_ts <= now.timestamp():
        raise SignInLinkError(
            _("This sign-in link has expired."),
            code="expired",
            language=contact.preferred_language,
        )
    return user, contact


# --- Links asked for, and passwords forgotten ------------------------------------------------


def sign_in_link_contact(*, email: str) -> Contact | None:
    """The contact a sign-in link asked for with ``email`` goes to, or None (unknown,
    deactivated or erased: the page answers the same)."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return (
        Contact.objects.select_related("user")
        .filter(email=email, is_active=True, erased_at__isnull=True)
        .first()
    )


def safe_next_path(path: str) -> str:
    """A page of this site (a path), or the home page: never another site."""
    path = (path or "").strip()
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return reverse("home")
    return path


def sign_in_link_email_send(*, contact_id: int, next_path: str = "") -> int:
    """E-mail a contact a sign-in link they asked for (run by a task, after the request):
    valid ``SIGN_IN_LINK_DAYS`` days. Returns the number of messages sent (0 or 1)."""
    contact = Contact.objects.filter(
        pk=contact_id, is_active=True, erased_at__isnull=True, email__isnull=False
    ).first()
    if contact is None:
        return 0
    links = sign_in_links_for(contact=contact)
    if links.user is None:
        return 0
    return emails.email_send(
        to=[contact.email],
        template="sign_in_link",
        context={
            "contact": contact,
            "sign_in_url": links.url(safe_next_path(next_path)),
            "days": settings.SIGN_IN_LINK_DAYS,
        },
        language=contact.preferred_language,
    )


def password_reset_email_send(*, user_id: int) -> int:
    """E-mail a person with a password the link of Django's password-reset views, in their
    language (run by a task). Returns the number of messages sent (0 or 1)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return 0
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    contact = Contact.objects.filter(user=user).first()
    return emails.email_send(
        to=[user.email],
        template="password_reset",
        context={
            "name": person_name(user=user, contact=contact),
            "reset_url": settings.SITE_URL + path,
        },
        language=user.preferred_language,
    )
