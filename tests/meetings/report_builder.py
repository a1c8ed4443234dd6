"""Builds a consultation round with everything a report shows (used by the report tests and
by ``tests/benchmarks/bench_report.py``)."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from coordination import enums as c_enums
from coordination.models import Consent, ConsultationRound, Question, SurveyResponse
from coordination.selectors import needs_assessment_survey
from meetings import enums as m_enums
from meetings import models as m
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConsultationRoundFactory,
    ContactFactory,
    OrganisationFactory,
    PanelDrawFactory,
    RoundSessionFactory,
    UserFactory,
)

THEMES = ["Data sharing", "Coordination meetings"]
QUESTIONS = [28, 38, 39, 40, 46, 48]
LANGUAGES = ["fr", "nl", "en", "de"]
AREAS = ["flemish", "french", "brussels", "federal", "german"]
DOMAINS = ["medical", "social", "education", "labour", "justice"]
KINDS = ["federal", "regional", "local", "ngo", "international"]
ROLES = ["first_line", "secondary", "both"]


@dataclass
class BuiltRound:
    consultation_round: ConsultationRound
    sessions: list = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)
    facilitator: object = None


def _answers(rng: random.Random, questions: dict[int, Question]) -> dict:
    answers = {}
    q28 = questions[28]
    codes = [o["code"] for o in q28.options]
    answers["q28"] = {"all": rng.choice(codes), "ukraine": rng.choice(codes)}
    q38 = questions[38]
    scale = [o["code"] for o in q38.options]
    answers["q38"] = {r["code"]: rng.choice(scale) for r in q38.rows if rng.random() < 0.9}
    for number in (39, 46, 48):
        answers[f"q{number}"] = rng.choice([o["code"] for o in questions[number].options])
    obstacles = [o["code"] for o in questions[40].options]
    answers["q40"] = rng.sample(obstacles, rng.randint(1, 4))
    answers["q56"] = "yes"
    return answers


def build_round(
    *,
    sessions: int = 3,
    organisations: int = 12,
    named: int = 4,
    agenda_items: int = 9,
    action_items: int = 6,
    pool_extra: int = 8,
    approved_sessions: int = 1,
    seed: int = 7,
) -> BuiltRound:
    """A round with ``sessions`` sessions, ``organisations`` participating organisations
    (``named`` of them consent to be named), agenda items spread over the sessions with
    notes and decisions, action items, and survey responses for the linked questions."""
    rng = random.Random(seed)
    facilitator = UserFactory(first_name="Fiona", last_name="Facilitator", facilitator=True)
    round_ = ConsultationRoundFactory(
        title="Data coordination round",
        purpose="Deepen the survey results on data sharing and draft the coordination design.",
        themes=list(THEMES),
    )
    round_.facilitators.add(facilitator)
    question_objects = {q.number: q for q in Question.objects.filter(number__in=QUESTIONS)}
    round_.questions.add(*question_objects.values())
    survey = needs_assessment_survey()
    built = BuiltRound(consultation_round=round_, facilitator=facilitator)

    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    session_objects = []
    for index in range(sessions):
        session = RoundSessionFactory(
            consultation_round=round_,
            title=f"Session {index + 1}",
            starts_at=start - dt.timedelta(days=30 - 7 * index),
            language=LANGUAGES[index % 3],
            facilitator=facilitator,
            status=m_enums.MeetingStatus.HELD,
        )
        PanelDrawFactory(meeting=session, pool_size=organisations + pool_extra, seed=1000 + index)
        session_objects.append(session)
    built.sessions = session_objects

    now = timezone.now()
    contacts = []
    for index in range(organisations + pool_extra):
        org = OrganisationFactory(
            name=f"{'Named' if index < named else 'Hidden'} organisation {round_.pk}-{index:03d}",
            kind=KINDS[index % len(KINDS)],
            working_languages=[LANGUAGES[index % 3]] + (["en"] if index % 4 == 0 else []),
            areas=[AREAS[index % len(AREAS)]],
            domains=[DOMAINS[index % len(DOMAINS)], DOMAINS[(index + 2) % len(DOMAINS)]],
            support_role=ROLES[index % len(ROLES)],
        )
        contact = ContactFactory(organisation=org, name=f"Person {index:03d}")
        Consent.objects.create(
            contact=contact,
            purpose=c_enums.ConsentPurpose.CONSULTATION_ROUNDS,
            source=c_enums.ConsentSource.SURVEY_Q56,
            given_at=now,
        )
        if index < named:
            Consent.objects.create(
                contact=contact,
                purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS,
                source=c_enums.ConsentSource.STAFF,
                given_at=now,
            )
        SurveyResponse.objects.create(
            survey=survey,
            organisation=org,
            contact=contact,
            form_language=LANGUAGES[index % 3],
            answers=_answers(rng, question_objects),
        )
        if index < organisations:
            contacts.append(contact)
            (built.named if index < named else built.unnamed).append(org.name)

    invitations, attendances = [], []
    for index, contact in enumerate(contacts):
        session = session_objects[index % sessions] if sessions else None
        if session is None:
            continue
        invitations.append(
            m.Invitation(meeting=session, contact=contact, status=m_enums.InvitationStatus.ACCEPTED)
        )
        attendances.append(
            m.Attendance(meeting=session, contact=contact, status=m_enums.AttendanceStatus.PRESENT)
        )
    m.Invitation.objects.bulk_create(invitations)
    m.Attendance.objects.bulk_create(attendances)
    # Some declined invitations as well.
    for session in session_objects:
        declining = ContactFactory(organisation=OrganisationFactory(name=f"Declined {session.pk}"))
        m.Invitation.objects.create(
            meeting=session, contact=declining, status=m_enums.InvitationStatus.DECLINED
        )

    if not session_objects:
        return built
    minutes = {}
    for index, session in enumerate(session_objects):
        approved = index < approved_sessions
        minutes[session.pk] = m.Minutes.objects.create(
            meeting=session,
            status=m_enums.MinutesStatus.APPROVED if approved else m_enums.MinutesStatus.DRAFT,
            approved_at=now if approved else None,
        )
    items = []
    for index in range(agenda_items):
        session = session_objects[index % sessions]
        theme = THEMES[index % 2] if index % 3 else None
        title = f"{theme}: discussion round {index + 1}" if theme else f"Welcome {index + 1}"
        item = AgendaItemFactory(
            meeting=session,
            position=index // sessions + 1,
            title=title,
            planned_minutes=20,
        )
        if index < 4:
            item.questions.add(question_objects[40])
        items.append(item)
        text = f"Participants discussed **item {index + 1}**.\n\n- first point\n- second point"
        if index == 0 and contacts:
            # Free text naming a participant who did not consent: the report withholds it.
            speaker = contacts[-1]
            text += f"\n\n{speaker.name} ({speaker.organisation.name}) presented the survey."
        m.MinutesNote.objects.create(minutes=minutes[session.pk], agenda_item=item, text=text)
        if index % 2 == 0:
            m.Decision.objects.create(
                minutes=minutes[session.pk], agenda_item=item, text=f"Decision on item {index + 1}"
            )
    owners = [c.organisation for c in contacts] or [OrganisationFactory()]
    for index in range(action_items):
        ActionItemFactory(
            description=f"Follow-up action {index + 1}",
            owner_organisation=owners[index % len(owners)],
            origin_meeting=session_objects[index % sessions],
            due_date=timezone.localdate() + dt.timedelta(days=7 + index),
        )
    return built
