"""The API's one exception handler (``coordination.api.errors``): what services and
permission checks raise becomes the standard error body."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from drf_standardized_errors.handler import exception_handler

from coordination.exceptions import InvalidTokenError


def handle(exc):
    response = exception_handler(exc, {"view": None, "args": (), "kwargs": {}, "request": None})
    return response.status_code, response.data


def test_service_error_with_a_code_keeps_it():
    assert handle(ValidationError("This meeting is over.", code="over")) == (
        400,
        {
            "type": "validation_error",
            "errors": [{"code": "over", "detail": "This meeting is over.", "attr": None}],
        },
    )


def test_service_error_without_a_code_is_invalid_and_its_params_are_filled_in():
    error = ValidationError("Version %(n)s is newer.", params={"n": 3})

    assert handle(error) == (
        400,
        {
            "type": "validation_error",
            "errors": [{"code": "invalid", "detail": "Version 3 is newer.", "attr": None}],
        },
    )


def test_field_errors_map_to_attrs_and_non_field_errors_to_null():
    error = ValidationError(
        {
            "title": ValidationError("Give the item a title.", code="required"),
            "due_date": ["Too early.", "Not a working day."],
            NON_FIELD_ERRORS: ValidationError("Already published.", code="duplicate"),
        }
    )

    assert handle(error) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {"code": "required", "detail": "Give the item a title.", "attr": "title"},
                {"code": "invalid", "detail": "Too early.", "attr": "due_date"},
                {"code": "invalid", "detail": "Not a working day.", "attr": "due_date"},
                {"code": "duplicate", "detail": "Already published.", "attr": None},
            ],
        },
    )


def test_invalid_link_token_is_a_404_with_its_reason():
    assert handle(InvalidTokenError("This answer link has expired.", code="expired")) == (
        404,
        {
            "type": "client_error",
            "errors": [
                {"code": "not_found", "detail": "This answer link has expired.", "attr": None}
            ],
        },
    )


@pytest.mark.parametrize(
    ("exc", "status", "code", "detail"),
    [
        (PermissionDenied(), 403, "permission_denied", "You do not have permission to perform "
         "this action."),
        (Http404(), 404, "not_found", "Not found."),
    ],
)  # fmt: skip
def test_djangos_403_and_404_get_the_standard_bodies(exc, status, code, detail):
    assert handle(exc) == (
        status,
        {"type": "client_error", "errors": [{"code": code, "detail": detail, "attr": None}]},
    )
