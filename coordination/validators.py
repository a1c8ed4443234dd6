"""Validators shared by model ``clean()``, forms and serializers."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class ChoiceListValidator:
    """A JSON list whose items are codes of one ``TextChoices`` enum, without repeats."""

    def __init__(self, choices: type[models.TextChoices]):
        self.choices = choices

    def __call__(self, value) -> None:
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list of codes."), code="not_a_list")
        allowed = set(self.choices.values)
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown code(s): %(codes)s. Allowed: %(allowed)s."),
                code="unknown_code",
                params={"codes": ", ".join(map(str, unknown)), "allowed": ", ".join(allowed)},
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("A code is listed twice."), code="duplicate_code")

    def __eq__(self, other) -> bool:
        return isinstance(other, ChoiceListValidator) and other.choices is self.choices


def validate_time_zone(value: str) -> None:
    """An IANA time zone name such as ``Europe/Brussels``."""

    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (e.g. Europe/Brussels)."),
            code="unknown_time_zone",
            params={"value": value},
        )


# The largest id a form or filter accepts: larger numbers are a validation error, never a
# database overflow.
MAX_ID = 2**31 - 1


def id_or_none(value: str) -> int | None:
    """The id a path, query or form value names, or None: ASCII digits up to ``MAX_ID``.
    ``str.isdigit`` alone also accepts digits such as “³” or “٣”, which ``int`` refuses."""
    if value and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
        if number <= MAX_ID:
            return number
    return None
