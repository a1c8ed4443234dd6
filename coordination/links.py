"""Links a list page writes once per row, reversed once per page."""

from django.urls import reverse


def url_maker(name: str):
    """``pk -> url`` of a URL taking one integer (an id, a question number), reversed once (a
    list page links every row)."""
    marker = 2_147_483_647
    head, tail = reverse(name, args=[marker]).rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"
