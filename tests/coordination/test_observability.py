"""Error reporting through SENTRY_DSN (the SDK imported only then, events sent to the DSN's
server), JSON logs with LOG_FORMAT=json, plain lines of one record each, and no token of a
personal link in a logged path; each in a fresh process, as a server starts."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.urls import reverse

from coordination.logs import error_report_scrubbed, path_logged


def run_python(code: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENTRY_", "LOG_FORMAT"))
    }
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


class SentryIngest(BaseHTTPRequestHandler):
    """Stands in for a Sentry server on loopback: keeps the envelopes posted to it."""

    envelopes: list[bytes] = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            import gzip

            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        SentryIngest.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    SentryIngest.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryIngest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_sentry_is_not_even_imported_without_a_dsn():
    result = run_python(
        "import sys, django; django.setup()\n"
        "import django.test\n"
        "django.test.Client().get('/healthz')\n"
        "print('sentry_sdk' in sys.modules)"
    )

    assert result.stdout.strip().splitlines()[-1] == "False"


def test_sentry_with_a_dsn_reports_errors_through_the_django_integration(sentry_server):
    port = sentry_server.server_address[1]
    dsn = f"http://publickey@127.0.0.1:{port}/42"

    result = run_python(
        "import django; django.setup()\n"
        "import sentry_sdk\n"
        "from sentry_sdk.integrations.django import DjangoIntegration\n"
        "client = sentry_sdk.get_client()\n"
        "print(client.dsn, client.get_integration(DjangoIntegration) is not None,"
        " client.options['send_default_pii'], client.options['include_local_variables'],"
        " client.options['max_request_body_size'], client.options['before_send'].__name__)\n"
        "import logging; logging.getLogger('meetings.emails').error('Outbox message 7 failed')\n"
        "sentry_sdk.flush(timeout=10)\n",
        SENTRY_DSN=dsn,
    )

    assert result.stdout.strip().splitlines()[-1] == (
        f"{dsn} True False False never error_report_scrubbed"
    )
    assert len(SentryIngest.envelopes) == 1
    assert b"Outbox message 7 failed" in SentryIngest.envelopes[0]


def test_an_error_report_names_the_request_by_its_path_without_query_referrer_or_token():
    event = {
        "level": "error",
        "request": {
            "url": "https://coordination.example/rsvp/Sx7-secret/?sesame=Mn4-secret",
            "query_string": "sesame=Mn4-secret",
            "method": "POST",
            "headers": {
                "Referer": "https://coordination.example/consents/Rf5-secret/",
                "User-Agent": "Firefox",
            },
        },
    }

    assert error_report_scrubbed(event, {}) == {
        "level": "error",
        "request": {
            "url": "https://coordination.example/rsvp/<token>/",
            "method": "POST",
            "headers": {"User-Agent": "Firefox"},
        },
    }


def test_logs_are_json_lines_with_log_format_json():
    result = run_python(
        "import django; django.setup()\n"
        "import logging\n"
        "logging.getLogger('meetings.emails').warning('Outbox message %s delayed', 12)\n",
        LOG_FORMAT="json",
    )

    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "Outbox message 12 delayed"
    assert record["level"] == "WARNING"
    assert record["logger"] == "meetings.emails"
    assert record["process"] > 0
    assert set(record) == {"time", "level", "logger", "process", "message"}


def test_logs_are_plain_text_by_default():
    result = run_python(
        "import django; django.setup()\n"
        "import logging\n"
        "logging.getLogger('meetings.emails').warning('Outbox message %s delayed', 12)\n",
    )

    line = result.stderr.strip().splitlines()[-1]
    assert line.endswith(" WARNING meetings.emails Outbox message 12 delayed")


def test_a_plain_log_line_holds_one_record_whatever_its_message_carries():
    result = run_python(
        "import django; django.setup()\n"
        "import logging\n"
        "log = logging.getLogger('meetings.services.calendars')\n"
        "uid = 'x\\n2026-12-07 INFO forged\\u2028\\x1b[2J'\n"
        "log.warning('Calendar reply refused: UID %s', uid)\n"
        "try:\n"
        "    raise ValueError('broken')\n"
        "except ValueError:\n"
        "    log.exception('Reply %s failed', 3)\n",
    )

    lines = result.stderr.strip().splitlines()
    warning = next(i for i, line in enumerate(lines) if "Calendar reply refused" in line)
    assert lines[warning].endswith(
        " WARNING meetings.services.calendars Calendar reply refused: "
        "UID x\\n2026-12-07 INFO forged\\u2028\\x1b[2J"
    )
    assert lines[warning + 1].endswith(" ERROR meetings.services.calendars Reply 3 failed")
    assert lines[warning + 2 :] == [
        "Traceback (most recent call last):",
        '  File "<string>", line 7, in <module>',
        "ValueError: broken",
    ]


REQUEST_LOGGED = (
    "import django; django.setup()\n"
    "from django.http import HttpResponseNotFound\n"
    "from django.test import RequestFactory\n"
    "from django.utils.log import log_response\n"
    "for path in ('/rsvp/Sx7-secret/', '/calendar/Kq2-secret.ics', '/meetings/3/'):\n"
    "    log_response('Not Found: %s', path, response=HttpResponseNotFound(),\n"
    "                 request=RequestFactory().get(path, {'q': 'Anna Example'}))\n"
)


def test_a_logged_request_path_names_no_token_of_a_personal_link():
    lines = run_python(REQUEST_LOGGED).stderr.strip().splitlines()

    assert [line.split(" WARNING ", 1)[1] for line in lines[-3:]] == [
        "django.request Not Found: /rsvp/<token>/",
        "django.request Not Found: /calendar/<token>.ics",
        "django.request Not Found: /meetings/3/",
    ]


def test_a_json_log_line_names_its_request_by_method_and_path_alone():
    lines = run_python(REQUEST_LOGGED, LOG_FORMAT="json").stderr.strip().splitlines()

    records = [json.loads(line) for line in lines[-3:]]
    assert [(r["message"], r["request"]) for r in records[:2]] == [
        ("Not Found: /rsvp/<token>/", "GET /rsvp/<token>/"),
        ("Not Found: /calendar/<token>.ics", "GET /calendar/<token>.ics"),
    ]
    assert (records[2]["message"], records[2]["request"]) == (
        "Not Found: /meetings/3/",
        "GET /meetings/3/",
    )
    assert "secret" not in "\n".join(lines)
    assert "Anna" not in "\n".join(lines)


@pytest.mark.parametrize(
    ("name", "args", "logged"),
    [
        ("rsvp", ["Sx7-secret"], "/rsvp/<token>/"),
        ("time-poll-answer", ["Sx7-secret"], "/poll/<token>/"),
        ("feedback-answer", ["Sx7-secret"], "/feedback/<token>/"),
        ("report-back", ["Sx7-secret"], "/report/<token>/"),
        ("report-back-pdf", ["Sx7-secret"], "/report/<token>/report.pdf"),
        ("consents-page", ["Sx7-secret"], "/consents/<token>/"),
        ("action-done-token", ["Sx7-secret"], "/actions/done/<token>/"),
        ("calendar-feed", ["Sx7-secret"], "/calendar/<token>.ics"),
        (
            "calendar-group-feed",
            ["Sx7-secret", "food-aid"],
            "/calendar/<token>/groups/food-aid.ics",
        ),
        ("password_reset_confirm", ["MTI", "cz4-secret"], "/accounts/reset/<uidb64>/<token>/"),
        ("meeting-detail", [7], "/meetings/7/"),
    ],
)
def test_a_logged_path_names_each_personal_link_by_its_argument(name, args, logged):
    assert path_logged(reverse(name, args=args)) == logged


def test_a_logged_path_masks_the_whole_segment_and_leaves_other_paths_as_they_are():
    assert path_logged("/rsvp/r/") == "/rsvp/<token>/"
    assert path_logged("/no/such/page/") == "/no/such/page/"
