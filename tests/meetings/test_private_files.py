"""Private files: MEDIA_ROOT is never served as such (in development either), stored names
cannot be guessed, downloads go through permission-checked views that can hand the file to
the web server after the check; the browsable API is off in production and lists no
related objects."""

import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_sendfile.utils import _get_sendfile
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory, force_authenticate

from coordination.api.renderers import BrowsableAPIRenderer
from meetings.api.views.actions import ActionItemViewSet
from meetings.formats import report as render
from meetings.models import AgendaAttachment, MinutesExport, ReportVersion
from meetings.services import agendas
from meetings.services import reports as report_services
from tests.factories import AgendaItemFactory, ConsultationRoundFactory, UserFactory
from tests.meetings.builders import circulated_minutes, invitee_of, leader_of

pytestmark = pytest.mark.django_db

RANDOM_PART = r"[A-Za-z0-9_-]{22}"


def run_in_development(code: str, **env) -> str:
    """Run ``code`` in a fresh process with the development settings (DEBUG on)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env={"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "coordination.settings", "PATH": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_media_is_not_served_in_development(tmp_path):
    (tmp_path / "reports" / "round-1").mkdir(parents=True)
    (tmp_path / "reports" / "round-1" / "report-v1-en.pdf").write_bytes(b"%PDF secret")
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import Resolver404, resolve\n"
        "for path in ('/media/reports/round-1/report-v1-en.pdf', '/media/exports/x.zip'):\n"
        "    try:\n"
        "        resolve(path)\n"
        "        print('served', path)\n"
        "    except Resolver404:\n"
        "        print('not found', path)\n"
        "print(settings.DEBUG)\n"
    )

    output = run_in_development(code, MEDIA_ROOT=str(tmp_path))

    assert output.splitlines() == [
        "not found /media/reports/round-1/report-v1-en.pdf",
        "not found /media/exports/x.zip",
        "True",
    ]


def test_browsable_api_is_off_in_production_unless_switched_on():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])\n"
    )
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50}

    assert run_in_development(code, **production) == "['rest_framework.renderers.JSONRenderer']"
    assert run_in_development(code, **production, API_BROWSABLE="1") == (
        "['rest_framework.renderers.JSONRenderer', "
        "'coordination.api.renderers.BrowsableAPIRenderer']"
    )
    assert run_in_development(code) == (
        "['rest_framework.renderers.JSONRenderer', "
        "'coordination.api.renderers.BrowsableAPIRenderer']"
    )


def test_browsable_api_page_lists_no_related_objects():
    # The renderer is given to the view itself: views read the renderer setting at import.
    view = ActionItemViewSet.as_view(
        {"get": "list", "post": "create"},
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
    )
    item = AgendaItemFactory(title="Draft item nobody else may read")
    team_member = UserFactory(username="someone-else")
    leader = leader_of(AgendaItemFactory().meeting)
    request = APIRequestFactory().get("/api/action-items/", HTTP_ACCEPT="text/html")
    force_authenticate(request, user=leader)

    response = view(request).render()

    content = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Action Item List" in content
    assert 'id="post-generic-content-form"' in content  # the raw JSON form stays
    assert item.meeting.title not in content
    assert item.title not in content
    assert team_member.username not in content
    # The raw form's media type and the filters' fixed choices; no list of related objects.
    assert re.findall(r'<select name="([^"]+)"', content) == [
        "_content_type",
        "status",
        "overdue",
        "mine",
    ]


def test_report_files_are_stored_under_unguessable_names(monkeypatch):
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")
    round_ = ConsultationRoundFactory()
    report = report_services.report_get_or_create(consultation_round=round_)

    for _ in range(2):
        job = report_services.report_generate(report=report, user=None)
        report_services.report_job_run(job_id=job.pk)

    names = [(v.pdf.name, v.docx.name) for v in ReportVersion.objects.order_by("number")]
    prefix = f"reports/round-{round_.pk}/report-v"
    for number, (pdf, docx) in enumerate(names, start=1):
        assert re.fullmatch(re.escape(f"{prefix}{number}-en-") + RANDOM_PART + r"\.pdf", pdf)
        assert re.fullmatch(re.escape(f"{prefix}{number}-en-") + RANDOM_PART + r"\.docx", docx)
    assert names[0][0][-26:] != names[1][0][-26:]


def test_minutes_export_is_stored_under_an_unguessable_name(
    client_for, django_capture_on_commit_callbacks
):
    minutes, _item = circulated_minutes()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(leader_of(minutes.meeting)).post(
            reverse("minutes-exports"),
            {"scope": f"group:{minutes.meeting.working_group_id}", "format": "zip"},
        )

    export = MinutesExport.objects.get()

    assert re.fullmatch(r"exports/minutes-export-" + RANDOM_PART + r"\.zip", export.file.name)
    assert f"minutes-export-{export.pk}." not in export.file.name


def _published_attachment():
    item = AgendaItemFactory()
    agendas.agenda_attachment_add(
        item=item, upload=SimpleUploadedFile("Budget 2027.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    agendas.agenda_publish(meeting=item.meeting)
    attachment = AgendaAttachment.objects.get()
    return attachment, reverse("agenda-attachment", args=[item.meeting.pk, attachment.pk])


def test_attachment_is_stored_under_an_unguessable_name():
    attachment, _url = _published_attachment()

    assert re.fullmatch(
        rf"agenda/{attachment.agenda_item.meeting_id}/{RANDOM_PART}\.pdf", attachment.file.name
    )


@pytest.fixture
def sendfile_backend(settings):
    def use(backend):
        settings.SENDFILE_BACKEND = backend
        _get_sendfile.cache_clear()

    yield use
    _get_sendfile.cache_clear()


def test_download_handed_to_nginx_after_the_permission_check(
    client_for, sendfile_backend, settings
):
    sendfile_backend("django_sendfile.backends.nginx")
    settings.SENDFILE_URL = "/private-media"
    attachment, url = _published_attachment()

    allowed = client_for(invitee_of(attachment.agenda_item.meeting)).get(url)
    refused = client_for(UserFactory()).get(url)

    assert allowed.status_code == 200
    assert allowed["X-Accel-Redirect"] == "/private-media/" + attachment.file.name
    assert allowed["Content-Type"] == "application/pdf"
    assert allowed["Content-Disposition"] == 'attachment; filename="Budget 2027.pdf"'
    assert allowed.content == b""
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_download_handed_to_apache_with_x_sendfile(client_for, sendfile_backend):
    sendfile_backend("django_sendfile.backends.xsendfile")
    attachment, url = _published_attachment()

    response = client_for(invitee_of(attachment.agenda_item.meeting)).get(url)

    assert response.status_code == 200
    assert response["X-Sendfile"] == attachment.file.path
    assert response.content == b""


def test_download_streamed_by_django_without_a_web_server_setting(client_for, settings):
    assert settings.SENDFILE_BACKEND is None
    attachment, url = _published_attachment()

    response = client_for(invitee_of(attachment.agenda_item.meeting)).get(url)

    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    assert "X-Accel-Redirect" not in response
    assert "X-Sendfile" not in response


def test_admin_links_files_to_the_checked_views_never_to_media(client_for, monkeypatch):
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")
    admin_user = UserFactory(username="admin-user", is_staff=True, is_superuser=True)
    attachment, download_url = _published_attachment()
    round_ = ConsultationRoundFactory()
    report = report_services.report_get_or_create(consultation_round=round_)
    report_services.report_job_run(
        job_id=report_services.report_generate(report=report, user=None).pk
    )
    client = client_for(admin_user)

    attachment_page = client.get(
        reverse("admin:meetings_agendaattachment_change", args=[attachment.pk])
    ).content.decode()
    report_page = client.get(reverse("admin:meetings_report_change", args=[report.pk]))

    assert f'<a href="{download_url}">Budget 2027.pdf</a>' in attachment_page
    pdf_url = reverse("round-report-pdf", kwargs={"round_pk": round_.pk, "number": 1})
    assert f'<a href="{pdf_url}">PDF</a>' in report_page.content.decode()
    for page in (attachment_page, report_page.content.decode()):
        assert "/media/" not in page
