"""Errors that services of both apps raise and every door understands alike."""

from django.core.exceptions import ValidationError


class InvalidTokenError(ValidationError):
    """The secret token of a link (an RSVP answer, a calendar feed) is tampered with, expired
    or revoked: what it names is not found. Pages and the API answer 404.

    ``language`` is the language of the person the link was sent to, when the link is
    authentic and only too old (the page that says so is in their language); empty
    otherwise, for a forged link must not learn anything about anyone."""

    def __init__(self, message, code=None, params=None, *, language: str = ""):
        super().__init__(message, code=code, params=params)
        self.language = language


class EditConflict(ValidationError):
    """Someone else saved the same record since the editor loaded it, and changed what the
    editor changed too. Nothing was written. ``revision`` is the record's current revision;
    ``conflicts`` maps each clashing field to the value saved meanwhile; ``merged`` holds
    every field as it would be saved (the editor's changes applied where they did not clash).
    Pages show both texts to merge; the API answers 409."""

    def __init__(self, message, *, revision: int, conflicts: dict, merged: dict | None = None):
        super().__init__(message, code="conflict")
        self.revision = revision
        self.conflicts = conflicts
        self.merged = merged or {}
