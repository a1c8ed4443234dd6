"""Every page a demo user can reach by following links answers without a server error."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"]*)"')
SKIP = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/api/docs/")
MAX_PAGES = 250


def crawl(client: Client, start: str = "/") -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            if link.startswith(SKIP) or urlsplit(link).path.endswith((".pdf", ".docx", ".ics")):
                continue
            if link not in seen:
                queue.append(link)
    return seen


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("team", "team-demo-2026"),
        ("facilitator", "facilitator-demo-2026"),
        ("participant", "participant-demo-2026"),
    ],
)
def test_no_page_reachable_by_a_demo_user_fails(username, password):
    call_command("load_demo", verbosity=0)
    client = Client()
    assert client.login(username=username, password=password)

    statuses = crawl(client)

    errors = {url: code for url, code in statuses.items() if code >= 500}
    assert errors == {}
    assert len(statuses) > 10
