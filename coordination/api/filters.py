"""Filters shared by the API of both apps."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import DateRangeWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.settings import api_settings

from coordination.validators import MAX_ID


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.Filter):
    """A whole-number id filter: fractions, huge numbers and negatives are a 400, never a
    database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, turned into UTC: an offset no place on Earth uses (beyond
    ±14:00) or a moment outside the years 1–9999 once in UTC is a 400, never a database
    error (PostgreSQL refuses offsets beyond ±15:59)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > dt.timedelta(hours=14):
            raise ValidationError(_("This time zone offset does not exist."), code="invalid")
        try:
            return moment.astimezone(dt.UTC)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(_("This date is out of range."), code="invalid") from exc


class UtcIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((UtcIsoDateTimeField(), UtcIsoDateTimeField()), *args, **kwargs)


class DateTimeFromToRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    """``<field>_after`` / ``<field>_before`` with ISO 8601 date-times (see
    ``UtcIsoDateTimeField``)."""

    field_class = UtcIsoDateTimeRangeField


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves a list as it is when the request holds no query
    parameter but the page and the ordering: a filter set given nothing filters nothing (none
    of the API's filters is required), so it is not built, nor its form validated."""

    def filter_queryset(self, request, queryset, view):
        paginator = getattr(view, "paginator", None)
        unfiltered = {getattr(paginator, "page_query_param", None), api_settings.ORDERING_PARAM}
        filterset_class = getattr(view, "filterset_class", None)
        required = filterset_class is not None and any(
            f.extra.get("required") for f in filterset_class.base_filters.values()
        )
        if not required and request.query_params.keys() <= unfiltered:
            return queryset
        return super().filter_queryset(request, queryset, view)
