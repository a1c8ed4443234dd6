"""The router of both apps' API."""

from rest_framework.routers import SimpleRouter


class ApiRouter(SimpleRouter):
    """A router whose lookups take any path segment (the API uses no format suffixes), so
    that a malformed id such as ``0.5`` reaches the view and gets the API's 404 body, not
    Django's HTML page. Views still look objects up by whole-number id."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        value = getattr(viewset, "lookup_value_regex", "[^/]+")
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{value})"
