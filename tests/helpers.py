"""Helpers of many test modules: an API client signed in as a user, and the messages a page
shows."""

import re
from html import unescape

from rest_framework.test import APIClient


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def messages_of(response) -> list[str]:
    """The messages shown on the (followed) page, read back from the rendered HTML."""
    html = response.content.decode()
    return [unescape(m) for m in re.findall(r'<li class="message [^"]*">(.*?)</li>', html)]
