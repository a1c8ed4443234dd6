"""Errors that services of both apps raise and every door understands alike."""

from django.core.exceptions import ValidationError


class InvalidTokenError(ValidationError):
    """The secret token of a link (an RSVP answer, a calendar feed) is tampered with, expired
    or revoked: what it names is not found. Pages and the API answer 404."""
