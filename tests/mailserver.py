"""A real SMTP server on loopback (aiosmtpd) for tests and the production smoke: it keeps
every message it accepts, and can be started on a port chosen while it was still down."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: every accepted message, with its envelope."""

    def __init__(self, delay: float = 0.0):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.delay = delay
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self._lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        with self._lock:
            raws = [raw for _from, _to, raw in self.received]
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in raws]

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages()]

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return True
            time.sleep(0.2)
        return len(self.received) >= count


class MailServer:
    """``MailServer(port).start()`` … ``.stop()``; ``inbox`` survives a restart."""

    def __init__(self, port: int | None = None, inbox: Inbox | None = None):
        self.port = port or free_port()
        self.inbox = inbox or Inbox()
        self._controller: Controller | None = None

    def start(self) -> MailServer:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
