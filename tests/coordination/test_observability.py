"""Error reporting through SENTRY_DSN (the SDK imported only then, events sent to the DSN's
server) and JSON logs with LOG_FORMAT=json; each in a fresh process, as a server starts."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings


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
        " client.options['send_default_pii'])\n"
        "import logging; logging.getLogger('meetings.emails').error('Outbox message 7 failed')\n"
        "sentry_sdk.flush(timeout=10)\n",
        SENTRY_DSN=dsn,
    )

    assert result.stdout.strip().splitlines()[-1] == f"{dsn} True False"
    assert len(SentryIngest.envelopes) == 1
    assert b"Outbox message 7 failed" in SentryIngest.envelopes[0]


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
