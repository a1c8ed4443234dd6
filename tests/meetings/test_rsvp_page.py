"""The RSVP page writes its forms' fields in the template (AnswerForm and DelegateForm still
validate the POST) and caches its agenda per published version and language: the fields
come out as Django's own widgets would render them, the agenda follows every change."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html

from coordination.services import contact_erase
from meetings.forms.invitations import AnswerForm, DelegateForm
from meetings.models import Invitation, Meeting
from meetings.services.agendas import agenda_mark_changed
from meetings.services.invitations import invitation_token
from tests.factories import AgendaItemFactory, ContactFactory, InvitationFactory

pytestmark = pytest.mark.django_db

CONTROLS = {"input", "select", "option", "textarea", "label", "ul", "li"}


class Controls(HTMLParser):
    """The form controls, labels and error lists of a fragment, in order, with their
    attributes and text (the CSRF token left out: it changes at every request)."""

    def __init__(self, form_id: str | None = None):
        super().__init__()
        self.form_id, self.inside, self.found = form_id, form_id is None, []
        self.open = None  # the element whose text is taken

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if self.inside and tag in CONTROLS and attrs.get("name") != "csrfmiddlewaretoken":
            self.found.append((tag, sorted(attrs.items())))
        self.open = tag if tag in {"label", "option", "textarea", "li"} else None

    def handle_endtag(self, tag):
        self.open = None
        if tag == "form" and self.form_id is not None:
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.open and data.strip():
            self.found.append(("text", data.strip()))


def controls(html: str, form_id: str | None = None) -> list:
    parser = Controls(form_id)
    parser.feed(html)
    return parser.found


def django_rendering(form, names) -> str:
    """The fields as Django's widgets render them, laid out as the page lays them out
    (a checkbox before its label)."""
    parts = [str(form.non_field_errors())]
    for name in names:
        field = form[name]
        if field.widget_type == "checkbox":
            label = format_html(
                '<label for="{}" class="inline">{}</label>', field.id_for_label, field.label
            )
            parts.append(f"{field} {label}")
        else:
            parts.append(f"{field.label_tag()} {field}")
        parts.append(str(field.errors))
    return "".join(parts)


def page(invitation, query: str = ""):
    return Client().get(reverse("rsvp", args=[invitation_token(invitation)]) + query)


def post(invitation, data: dict):
    return Client().post(reverse("rsvp", args=[invitation_token(invitation)]), data)


ANSWER_FIELDS = [
    "answer",
    "comment",
    "participation_language",
    "needs_interpretation",
    "accessibility_needs",
    "needs_consent",
]


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_unanswered_fields_are_the_widgets_of_the_answer_form(language):
    invitation = InvitationFactory(
        contact__preferred_language=language, participation_language="nl", status="sent"
    )

    response = page(invitation, "?answer=tentative")

    with translation.override(language):
        form = AnswerForm(initial={"answer": "tentative", "participation_language": "nl"})
        expected = controls(django_rendering(form, ANSWER_FIELDS))
    assert controls(response.content.decode(), "answer-form") == expected


def test_each_invitee_sees_their_own_answer_and_language_in_the_fields():
    accepted = InvitationFactory(
        contact__preferred_language="fr", status="accepted", participation_language="de"
    )
    declined = InvitationFactory(
        contact__preferred_language="fr", status="declined", participation_language=""
    )

    accepted_html, declined_html = page(accepted).content.decode(), page(declined).content.decode()

    with translation.override("fr"):
        for html, answer, language in (
            (accepted_html, "accepted", "de"),
            (declined_html, "declined", ""),
        ):
            form = AnswerForm(initial={"answer": answer, "participation_language": language})
            assert controls(html, "answer-form") == controls(django_rendering(form, ANSWER_FIELDS))


def test_an_invitee_with_earlier_details_is_offered_to_erase_them():
    invitation = InvitationFactory(
        contact__preferred_language="nl", status="accepted", comment="Ik kom met de trein"
    )

    response = page(invitation)

    with translation.override("nl"):
        form = AnswerForm(initial={"answer": "accepted", "participation_language": ""})
        expected = controls(django_rendering(form, [*ANSWER_FIELDS, "forget_earlier"]))
    assert controls(response.content.decode(), "answer-form") == expected
    assert "Ik kom met de trein" not in response.content.decode()


def test_a_refused_answer_shows_the_values_errors_and_aria_attributes_of_the_form():
    invitation = InvitationFactory(contact__preferred_language="fr", status="sent")
    data = {
        "answer": "maybe-later",
        "comment": "x" * 2001,
        "participation_language": "nl",
        "needs_interpretation": "on",
        "accessibility_needs": "Fauteuil roulant",
    }

    response = post(invitation, data)

    with translation.override("fr"):
        form = AnswerForm(data)
        assert not form.is_valid()
        expected = controls(django_rendering(form, ANSWER_FIELDS))
    assert response.status_code == 400
    assert controls(response.content.decode(), "answer-form") == expected
    assert ("ul", [("class", "errorlist"), ("id", "id_comment_error")]) in expected
    assert Invitation.objects.get(pk=invitation.pk).status == "sent"


def test_the_delegation_fields_are_the_widgets_of_the_delegation_form_with_errors():
    invitation = InvitationFactory(contact__preferred_language="de")
    for name in ("Anna Adam", "Bert Bauer", "Carla Claes"):
        ContactFactory(organisation=invitation.contact.organisation, name=name)
    data = {"delegate": "1", "name": "Dora <Dietz>", "email": "not-an-address"}

    response = post(invitation, data)

    with translation.override("de"):
        form = DelegateForm(data, invitation=invitation)
        assert not form.is_valid()
        expected = controls(django_rendering(form, ["colleague", "name", "email"]))
    assert response.status_code == 400
    assert controls(response.content.decode(), "delegate-form") == expected
    assert ("text", f"Anna Adam ({invitation.contact.organisation})") in expected


def test_the_page_reads_the_same_number_of_times_for_one_or_five_colleagues(
    django_assert_num_queries,
):
    counts = []
    for colleagues in (1, 5):
        invitation = InvitationFactory(contact__preferred_language="fr")
        ContactFactory.create_batch(colleagues, organisation=invitation.contact.organisation)
        token = invitation_token(invitation)
        client = Client()
        client.get(reverse("rsvp", args=[token]))  # the agenda and fields cached
        with django_assert_num_queries(3) as captured:
            response = client.get(reverse("rsvp", args=[token]))
        counts.append(len(captured.captured_queries))
        options = [
            c for c in controls(response.content.decode(), "delegate-form") if c[0] == "option"
        ]
        assert len(options) == 1 + colleagues
    assert counts == [3, 3]


def published(meeting, *titles):
    for position, title in enumerate(titles):
        AgendaItemFactory(meeting=meeting, position=position, title=title)
    Meeting.objects.filter(pk=meeting.pk).update(
        agenda_version=1, agenda_published_at=timezone.now()
    )
    meeting.refresh_from_db()
    return meeting


def agenda(html: str) -> str:
    return html[
        html.index('<ol class="agenda">') : html.index("</ol>", html.index('<ol class="agenda">'))
    ]


def test_a_change_to_the_published_agenda_shows_at_once():
    invitation = InvitationFactory(contact__preferred_language="fr")
    published(invitation.meeting, "Accueil", "Logement")
    before = agenda(page(invitation).content.decode())
    item = invitation.meeting.agenda_items.get(title="Logement")
    item.title = "Logement et emploi"
    item.save(update_fields=["title"])

    agenda_mark_changed(meeting=invitation.meeting)

    assert before == '<ol class="agenda"><li>Accueil</li><li>Logement</li>'
    assert agenda(page(invitation).content.decode()) == (
        '<ol class="agenda"><li>Accueil</li><li>Logement et emploi</li>'
    )


def test_the_agenda_block_is_in_each_invitee_language():
    french = InvitationFactory(contact__preferred_language="fr")
    dutch = InvitationFactory(meeting=french.meeting, contact__preferred_language="nl")

    french_html, dutch_html = page(french).content.decode(), page(dutch).content.decode()

    assert "<h2>Ordre du jour</h2>" in french_html
    assert "<h2>Agenda</h2>" in dutch_html
    with translation.override("nl"):
        assert translation.gettext("The agenda has not been set yet.") in dutch_html
    with translation.override("fr"):
        assert translation.gettext("The agenda has not been set yet.") in french_html


def test_a_person_erased_from_the_agenda_is_gone_from_the_page_at_once():
    invitation = InvitationFactory(contact__preferred_language="fr")
    presenter = ContactFactory(name="Olena Petrenko")
    published(invitation.meeting, "Accueil", "Témoignage de Olena Petrenko")
    assert "Olena Petrenko" in agenda(page(invitation).content.decode())

    contact_erase(contact=presenter)

    assert "Olena Petrenko" not in page(invitation).content.decode()
