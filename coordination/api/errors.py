"""The API's one error convention, for both apps: drf-standardized-errors' body

    {"type": "validation_error", "errors": [{"code": "...", "detail": "...", "attr": "..."}]}

extended here, once, for what services raise. A Django ``ValidationError`` is a 400 with
its field errors (``attr`` is the field, null when the error concerns no single field) and
the service's ``code`` ("invalid" when it gave none); an invalid link token
(``InvalidTokenError``) is a 404, as on the pages. Django's ``Http404`` and
``PermissionDenied`` (raised by ``meetings.rules.permission_require``) are the package's 404
and 403. A form or multipart body over Django's limits (``DATA_UPLOAD_MAX_NUMBER_FIELDS``,
``DATA_UPLOAD_MAX_NUMBER_FILES``, ``DATA_UPLOAD_MAX_MEMORY_SIZE``) is a 400 ``parse_error``,
as the JSON parser's own limits are. A record gone by the time a service reads or locks it
(``ObjectDoesNotExist``: deleted by someone else after the view found it) is a 404, as an
unknown id is (``coordination.middleware.GoneRecordMiddleware`` does the same for pages).
Views call services and let these exceptions through: no mapping per view."""

import logging

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ValidationErrorEnum
from drf_standardized_errors.types import Error
from rest_framework import exceptions, serializers
from rest_framework.fields import get_error_detail
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from coordination.exceptions import EditConflict, InvalidTokenError

logger = logging.getLogger(__name__)

NON_FIELD_KEYS = frozenset({NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY})


class ConflictError(exceptions.APIException):
    """A save based on an older revision clashed with one made meanwhile (409): the first
    error names the current ``revision``, one more per clashing field gives the value saved
    meanwhile; nothing was written."""

    status_code = 409
    default_code = "conflict"


def conflict_detail(exc: EditConflict) -> dict:
    from django.utils.translation import gettext as _

    detail = {
        "revision": [
            exceptions.ErrorDetail(
                _("%(message)s The current revision is %(revision)s.")
                % {"message": " ".join(exc.messages), "revision": exc.revision},
                code="conflict",
            )
        ]
    }
    for name, value in exc.conflicts.items():
        detail[name] = [
            exceptions.ErrorDetail(
                _("Saved meanwhile: %(value)s") % {"value": value or "–"}, code="conflict"
            )
        ]
    return detail


def body_over_limit(exc: Exception) -> exceptions.ParseError | None:
    """The parse error of a request body Django refused to read in full (its limits are
    ``SuspiciousOperation``s, which DRF's parsers let through), in the request's language."""
    from django.utils.translation import ngettext

    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = ngettext(
            "The request has more than %(limit)d field.",
            "The request has more than %(limit)d fields.",
            limit,
        )
    elif isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        message = ngettext(
            "The request has more than %(limit)d file.",
            "The request has more than %(limit)d files.",
            limit,
        )
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = ngettext(
            "The request body is larger than %(limit)d byte.",
            "The request body is larger than %(limit)d bytes.",
            limit,
        )
    else:
        return None
    return exceptions.ParseError(message % {"limit": limit})


class ApiExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        over_limit = body_over_limit(exc)
        if over_limit is not None:
            return over_limit
        if isinstance(exc, EditConflict):
            return ConflictError(conflict_detail(exc))
        if isinstance(exc, InvalidTokenError):
            return exceptions.NotFound(" ".join(exc.messages))
        if isinstance(exc, DjangoValidationError):
            # DRF's own conversion: messages with their params, the code or "invalid".
            return exceptions.ValidationError(get_error_detail(exc))
        if isinstance(exc, ObjectDoesNotExist):
            # With its traceback: a programming error would look the same.
            logger.warning("A record was gone: %s", exc, exc_info=exc)
            return exceptions.NotFound()
        return super().convert_known_exceptions(exc)


class ApiExceptionFormatter(ExceptionFormatter):
    def get_errors(self) -> list[Error]:
        errors = super().get_errors()
        for error in errors:
            if error.attr in NON_FIELD_KEYS:
                error.attr = None
        return errors


# --- The documented bodies ------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable, for programs: a field's error (required, invalid, max_length…) or "
        "the service's reason (cancelled, over, none…); parse_error for an unreadable body."
    )
    detail = serializers.CharField(help_text="For people, in the request's language.")
    attr = serializers.CharField(
        allow_null=True, help_text="The input field; null when the error concerns no one field."
    )


class ErrorResponse400Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ValidationErrorEnum.choices + ClientErrorEnum.choices)
    errors = ErrorSerializer(many=True)


class Error403Serializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(code, code) for code in
                 ("permission_denied", "not_authenticated", "authentication_failed")]
    )  # fmt: skip
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = ErrorSerializer(many=True)


class ErrorResponse403Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error403Serializer(many=True)


class ApiAutoSchema(StandardizedErrorsAutoSchema):
    def _should_add_parse_error_response(self) -> bool:
        """Only a request body can be unreadable."""
        return (
            self.method in ("POST", "PUT", "PATCH") and super()._should_add_parse_error_response()
        )

    def _should_add_http403_error_response(self) -> bool:
        """Every operation open only to signed-in users can answer 403: session
        authentication comes first, so DRF refuses a request without valid credentials with a
        403 (not a 401), and views refuse objects with ``permission_require``."""
        permissions = self.view.get_permissions()
        return not all(isinstance(permission, AllowAny) for permission in permissions)
