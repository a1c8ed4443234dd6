"""The report back with a real django-q2 worker (`manage.py qcluster`) and a real SMTP server:
the sending task renders the copy that does not name a non-consenting organisation and the
outbox delivers one e-mail per contact consulted."""

import sqlite3
import time
from pathlib import Path

import pytest

from tests.helpers import manage, running_qcluster, worker_env
from tests.mailserver import MailServer

pytestmark = pytest.mark.qcluster

SETUP = """
from django.core.files.base import ContentFile
from coordination import enums as c_enums
from meetings.enums import InvitationStatus, MeetingStatus
from meetings.models import ReportVersion
from meetings.selectors.reports import report_data
from meetings.services import report_back, reports
from tests.factories import (
    AttendanceFactory, ConsentFactory, ContactFactory, InvitationFactory, OrganisationFactory,
    RoundSessionFactory,
)
session = RoundSessionFactory(status=MeetingStatus.HELD)
for name, language, named in (("Atlas Aid", "fr", True), ("Beacon Help", "nl", False)):
    contact = ContactFactory(
        organisation=OrganisationFactory(name=name), preferred_language=language,
        email=name.split()[0].lower() + "@example.org",
    )
    if named:
        ConsentFactory(contact=contact, purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS)
    InvitationFactory(meeting=session, contact=contact, status=InvitationStatus.ACCEPTED)
    AttendanceFactory(meeting=session, contact=contact)
report = reports.report_get_or_create(consultation_round=session.consultation_round)
version = ReportVersion(
    report=report, number=1, language="en", is_final=True,
    snapshot=report_data(consultation_round=session.consultation_round, language="en"),
    sections=[],
)
version.pdf.save("final.pdf", ContentFile(b"%PDF-1.7 stored final"), save=False)
version.save()
report_back.report_back_send(report=report, text="We used it.", by=None)
print("queued")
"""


def test_report_back_is_rendered_and_delivered_by_a_real_worker(tmp_path: Path):
    server = MailServer().start()
    database = tmp_path / "worker.sqlite3"
    media = tmp_path / "media"
    env = worker_env(tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{server.port}")
    manage(env, "migrate", "--noinput", "-v0")
    assert manage(env, "shell", "-c", SETUP).splitlines()[-1] == "queued"
    try:
        with running_qcluster(env):
            arrived = server.inbox.wait_for(2, timeout=120)
            time.sleep(0.5)
    finally:
        server.stop()

    with sqlite3.connect(database) as connection:
        deliveries = connection.execute(
            "SELECT c.email, d.language, d.names_organisation, d.pdf"
            " FROM meetings_reportbackdelivery d JOIN coordination_contact c"
            " ON c.id = d.contact_id ORDER BY c.email"
        ).fetchall()
        statuses = connection.execute(
            "SELECT status FROM meetings_outboundmessage WHERE kind = 'report_back'"
        ).fetchall()
    assert arrived, "the worker did not deliver both e-mails within 120 s"
    assert sorted(m["To"] for m in server.inbox.messages()) == [
        "atlas@example.org",
        "beacon@example.org",
    ]
    assert [(email, language, named) for email, language, named, _pdf in deliveries] == [
        ("atlas@example.org", "en", 1),
        ("beacon@example.org", "en", 0),
    ]
    assert deliveries[0][3] == ""
    assert (media / deliveries[1][3]).read_bytes()[:5] == b"%PDF-"
    assert statuses == [("sent",), ("sent",)]
