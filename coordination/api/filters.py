"""Filters shared by the API of both apps."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

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
