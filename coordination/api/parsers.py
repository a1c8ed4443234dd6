"""The API's JSON parser, with limits: a body larger than ``API_JSON_MAX_BYTES`` or nested
deeper than ``API_JSON_MAX_DEPTH`` is refused with a 400 (``parse_error`` body) before any
view sees it. Python's ``json`` has no depth limit of its own: deep enough nesting raises
``RecursionError``, which would otherwise be a 500 on the unauthenticated RSVP endpoint."""

from typing import Any

from django.conf import settings
from django.utils.translation import ngettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0, ``[]`` is 1), without
    recursion."""
    deepest = 0
    pending = [(value, 1)] if isinstance(value, list | dict) else []
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node
        pending.extend((child, depth + 1) for child in children if isinstance(child, list | dict))
    return deepest


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        max_bytes = settings.API_JSON_MAX_BYTES
        max_depth = settings.API_JSON_MAX_DEPTH
        body = stream.read(max_bytes + 1) if stream is not None else b""
        if len(body) > max_bytes:
            raise ParseError(
                ngettext(
                    "The request body is larger than %(limit)d byte.",
                    "The request body is larger than %(limit)d bytes.",
                    max_bytes,
                )
                % {"limit": max_bytes}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            # NaN and Infinity refused, as DRF's own parser does.
            data = json.loads(body.decode(encoding))
        except RecursionError:
            data, too_deep = None, True
        except ValueError as exc:  # UnicodeDecodeError included; DRF's own message
            raise ParseError(f"JSON parse error - {exc}") from None
        else:
            too_deep = json_depth(data) > max_depth
        if too_deep:
            raise ParseError(
                ngettext(
                    "The JSON body is nested more than %(limit)d level deep.",
                    "The JSON body is nested more than %(limit)d levels deep.",
                    max_depth,
                )
                % {"limit": max_depth}
            )
        return data
