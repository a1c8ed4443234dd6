"""Smoke test of the production configuration, as `manage.py serve` runs it: DEBUG off,
PostgreSQL, Redis as broker and cache, 2 gunicorn workers and 2 django-q2 clusters, and a real
SMTP server on loopback (aiosmtpd). Over HTTP: the demo facilitator signs in with a password,
sends a meeting's invitations, one invitee answers through the RSVP link of the e-mail, the
facilitator reads the calendar feed; every message of the outbox reaches the SMTP server
exactly once. Every process it starts is stopped at the end, whatever happens.

Environment: SMOKE_DATABASE (coordinator_prod_smoke), SMOKE_POSTGRES
(postgres://postgres@127.0.0.1:5432), SMOKE_REDIS_URL (redis://127.0.0.1:6379/5),
SMOKE_PORT (a free port)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html import unescape
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.mailserver import MailServer, free_port  # noqa: E402

DATABASE = os.environ.get("SMOKE_DATABASE", "coordinator_prod_smoke")
POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/5")
FACILITATOR = ("facilitator", "facilitator-demo-2026")
TOKEN = secrets.token_urlsafe(24)

checks: list[tuple[str, bool, str]] = []


def check(name: str, condition: bool, detail: str = "") -> bool:
    checks.append((name, bool(condition), detail))
    shown = f": {detail}" if detail and not condition else ""
    print(f"{'ok  ' if condition else 'FAIL'} {name}{shown}")
    return bool(condition)


class Browser:
    """Cookies, CSRF and redirects as a browser handles them, over plain HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        url = path if path.startswith("http") else self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            url, data=body, headers={"Referer": url, **(headers or {})}
        )
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, dict(response.headers), response.read().decode("utf-8", "replace")

    def csrf_from(self, html: str, form_id: str | None = None) -> str:
        if form_id:
            html = html[html.index(f'id="{form_id}"') :]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def outbox_rows(env: dict) -> list[dict]:
    code = (
        "import json; from meetings.models import OutboundMessage\n"
        "print(json.dumps([{'key': str(r.idempotency_key), 'status': r.status, 'to': r.to_email}"
        " for r in OutboundMessage.objects.order_by('id')]))"
    )
    return json.loads(manage(env, "shell", "-v0", "-c", code).strip().splitlines()[-1])


def wait_until(condition, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def up(browser: Browser):
    try:
        return browser.request("/healthz")
    except (urllib.error.URLError, ConnectionError):
        return None


def journey(env: dict, base: str, inbox, personal_links: list[str]) -> None:
    anonymous = Browser(base)
    answer = wait_until(lambda: up(anonymous), 900, 1)
    if not check("manage.py serve starts the web server", answer is not None):
        return
    status, _headers, body = answer
    check("/healthz answers 200 without details", (status, body) == (200, '{"status": "ok"}'), body)

    def ready():
        status, _h, body = anonymous.request(
            "/readyz", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        return status == 200 and json.loads(body)["status"] == "ok" and body

    ready_body = wait_until(ready, 90, 1)
    check("/readyz is ok (database, cache, Redis, a worker's heartbeat, outbox)", bool(ready_body))
    status, _h, body = anonymous.request("/readyz")
    check("/readyz gives no details without the token", body == '{"status": "ok"}', body)

    facilitator = Browser(base)
    status, headers, login_page = facilitator.request("/accounts/login/")
    check("pages carry a Permissions-Policy", "camera=()" in headers.get("Permissions-Policy", ""))
    status, _h, home = facilitator.request(
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": facilitator.csrf_from(login_page),
            "username": FACILITATOR[0],
            "password": FACILITATOR[1],
        },
    )
    signed_in = status == 200 and 'action="/accounts/logout/"' in home
    check("the facilitator signs in with a password", signed_in, str(status))

    status, _h, listing = facilitator.request("/api/meetings/?ordering=-starts_at")
    meetings = json.loads(listing)["results"] if status == 200 else []
    planned = [m["id"] for m in meetings if m["status"] == "planned"]
    # One whose time is not being found by a time poll (that sends them when it is chosen).
    overviews = {pk: facilitator.request(f"/meetings/{pk}/invitations/")[2] for pk in planned}
    planned = [pk for pk in planned if 'id="poll-open"' not in overviews[pk]]
    if not check("the API lists a planned meeting without a time poll", bool(planned)):
        return
    meeting, overview = planned[0], overviews[planned[0]]
    status, _h, overview = facilitator.request(
        f"/meetings/{meeting}/invitations/send/",
        # the demo's meeting may have no published agenda yet: confirm sending without it
        {"csrfmiddlewaretoken": facilitator.csrf_from(overview), "without_agenda": "1"},
    )
    invited = int(re.search(r'data-count="invited">(\d+)<', overview).group(1))
    check("invitations are sent", status == 200 and invited > 0, f"{status}, {invited} invited")

    received = wait_until(lambda: len(inbox.received) >= invited, 90)
    check(f"the SMTP server receives the {invited} invitations", bool(received))
    if not received:
        return
    text = next(
        part.get_content()
        for part in inbox.messages()[0].walk()
        if part.get_content_type() == "text/plain"
    )
    link = re.search(r"(http://127\.0\.0\.1:\d+/rsvp/[^\s?]+)", text).group(1)
    personal_links.append(link)
    invitee = Browser(base)
    status, _h, page = invitee.request(link)
    check("the RSVP link opens without signing in", status == 200 and "answer-form" in page)
    status, _h, page = invitee.request(
        link,
        {"csrfmiddlewaretoken": invitee.csrf_from(page, "answer-form"), "answer": "accepted"},
    )
    check("the invitee accepts", status == 200 and 'id="current-status"' in page, str(status))
    status, _h, overview = facilitator.request(f"/meetings/{meeting}/invitations/")
    accepted = re.search(r'data-count="accepted">(\d+)', overview).group(1)
    check("the facilitator sees the acceptance", accepted == "1", accepted)

    status, _h, calendar_page = facilitator.request("/calendar/")
    feed = unescape(
        re.search(r'<input id="feed-url" type="text" value="([^"]+)"', calendar_page).group(1)
    )
    personal_links.append(feed)
    status, headers, ics = facilitator.request(feed)
    check(
        "the calendar feed is read",
        status == 200
        and headers.get("Content-Type", "").startswith("text/calendar")
        and "BEGIN:VEVENT" in ics,
        f"{status} {headers.get('Content-Type')}",
    )

    def all_sent():
        rows = outbox_rows(env)
        return rows if rows and all(row["status"] == "sent" for row in rows) else None

    rows = wait_until(all_sent, 90, 1)
    check("every outbox message is sent", bool(rows))
    time.sleep(5)  # a duplicate on its way would arrive now
    rows = outbox_rows(env)
    expected = {f"<{row['key']}@example.be>": 1 for row in rows}
    got = Counter(inbox.message_ids())
    check(
        f"each of the {len(rows)} messages is delivered exactly once",
        got == expected,
        f"{sum(got.values())} received for {len(rows)} messages",
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="prod-smoke-"))
    port = int(os.environ.get("SMOKE_PORT") or free_port())
    base = f"http://127.0.0.1:{port}"
    mail = MailServer().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=base,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        REDIS_URL=REDIS_URL,
        Q_CLUSTER_NAME=f"smoke-{secrets.token_hex(4)}",
        EMAIL_URL=f"smtp://127.0.0.1:{mail.port}",
        MEDIA_ROOT=str(work / "media"),
        READINESS_TOKEN=TOKEN,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        QCLUSTER_PROCESSES="2",
        Q_WORKERS="2",
        PYTHON=sys.executable,
    )
    server = None
    personal_links: list[str] = []
    log = work / "serve.log"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{DATABASE}"')
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        with log.open("w") as output:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "serve"],
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as one
            )
        journey(env, base, mail.inbox, personal_links)
        processes = subprocess.run(
            ["ps", "-o", "args=", "-g", str(server.pid)], capture_output=True, text=True
        ).stdout
        check(
            "2 gunicorn workers and 2 qcluster processes ran",
            processes.count("manage.py qcluster") >= 2 and processes.count("gunicorn") >= 3,
            processes,
        )
    except Exception as exc:  # reported as a failed check, the processes still stopped
        check("the smoke ran to its end", False, f"{type(exc).__name__}: {exc}")
    finally:
        if server is not None:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
            with contextlib.suppress(ProcessLookupError):  # anything of the group still alive
                os.killpg(server.pid, signal.SIGKILL)
        mail.stop()
        try:
            psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        except Exception as exc:
            print(f"could not drop {DATABASE}: {exc}")
    served = log.read_text(errors="replace") if log.exists() else ""
    tokens = [re.split(r"/(?:rsvp|calendar)/", link)[-1].strip("/").removesuffix(".ics")
              for link in personal_links]  # fmt: skip
    check(
        "the access log names the answer link and the feed without their tokens",
        len(tokens) == 2
        and '"GET /rsvp/<token>/ HTTP/1.1" 200' in served
        and '"GET /calendar/<token>.ics HTTP/1.1" 200' in served
        and not any(token in served for token in tokens),
        ", ".join(f"{token[:6]}… in the log: {token in served}" for token in tokens),
    )
    failed = [name for name, ok, _detail in checks if not ok]
    if failed:
        print("--- manage.py serve log (last 80 lines) ---")
        print("\n".join(log.read_text(errors="replace").splitlines()[-80:]) if log.exists() else "")
    print(f"production smoke: {len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def _interrupted(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")  # the clean-up in main() still runs


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)
    sys.exit(main())
