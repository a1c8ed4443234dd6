"""factory_boy factories for the domain. Import from here: ``from tests.factories import ...``."""

import datetime as dt

import factory
from django.utils import timezone

from coordination import enums as c_enums
from coordination import models as c
from meetings import enums as m_enums
from meetings import models as m


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pw-test-123")

    @factory.post_generation
    def facilitator(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            from coordination.rules import FACILITATORS_GROUP

            group, _ = Group.objects.get_or_create(name=FACILITATORS_GROUP)
            self.groups.add(group)


class TeamUserFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = c_enums.OrganisationKind.NGO
    working_languages = factory.LazyFunction(lambda: ["fr"])
    areas = factory.LazyFunction(lambda: ["federal"])
    domains = factory.LazyFunction(lambda: ["social"])
    support_role = c_enums.SupportRole.FIRST_LINE


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "+32 2 000 00 00"
    preferred_language = "en"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Consent

    contact = factory.SubFactory(ContactFactory)
    purpose = c_enums.ConsentPurpose.CONSULTATION_ROUNDS
    source = c_enums.ConsentSource.SURVEY_Q56
    given_at = factory.LazyFunction(timezone.now)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.WorkingGroup

    name = factory.Sequence(lambda n: f"Working group {n}")
    slug = factory.Sequence(lambda n: f"working-group-{n}")
    mandate = "Share data on reception and integration."
    levels = factory.LazyFunction(lambda: ["federal"])
    languages = factory.LazyFunction(lambda: ["fr", "nl"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Membership

    group = factory.SubFactory(WorkingGroupFactory)
    contact = factory.SubFactory(ContactFactory)
    role = c_enums.MembershipRole.MEMBER
    since = dt.date(2026, 1, 1)


class ConsultationRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.ConsultationRound

    title = factory.Sequence(lambda n: f"Consultation round {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    capacity_per_session = 12


def _in_days(days: int, hour: int = 9) -> dt.datetime:
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=days)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Meeting

    working_group = factory.SubFactory(WorkingGroupFactory)
    consultation_round = None
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: _in_days(14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    format = m_enums.MeetingFormat.IN_PERSON
    location = "Rue de la Loi 1, 1000 Bruxelles"


class RoundSessionFactory(MeetingFactory):
    working_group = None
    consultation_round = factory.SubFactory(ConsultationRoundFactory)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3, minutes=30))


UNSENT_STATUSES = (m_enums.InvitationStatus.DRAFTED, m_enums.InvitationStatus.WAITLISTED)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Invitation

    meeting = factory.SubFactory(RoundSessionFactory)
    contact = factory.SubFactory(ContactFactory)
    status = m_enums.InvitationStatus.SENT
    # Drafts and places on a reserve list were never sent; every other invitation was.
    sent_at = factory.LazyAttribute(
        lambda o: None if o.status in UNSENT_STATUSES else timezone.now()
    )


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    planned_minutes = 20


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Minutes

    meeting = factory.SubFactory(MeetingFactory)
    version = 1


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ActionItem

    description = factory.Sequence(lambda n: f"Action {n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)
    origin_meeting = factory.SubFactory(MeetingFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


# --- Consultation reports -----------------------------------------------------------


class PanelDrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PanelDraw

    meeting = factory.SubFactory(RoundSessionFactory)
    seats = 12
    criteria = factory.LazyFunction(lambda: ["working_language", "area"])
    seed = 20260401
    pool_size = 40


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Attendance

    meeting = factory.SubFactory(RoundSessionFactory)
    contact = factory.SubFactory(ContactFactory)
    status = m_enums.AttendanceStatus.PRESENT


class MinutesNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MinutesNote

    minutes = factory.SubFactory(MinutesFactory)
    agenda_item = factory.SubFactory(
        AgendaItemFactory, meeting=factory.SelfAttribute("..minutes.meeting")
    )
    text = "The participants discussed the item."


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Decision

    minutes = factory.SubFactory(MinutesFactory)
    agenda_item = None
    text = factory.Sequence(lambda n: f"Decision {n}")


def make_volunteers(count: int) -> None:
    """``count`` volunteer organisations (Q56 yes) with a consenting contact each, and one
    anonymous volunteer without a contact."""
    for index in range(count):
        organisation = OrganisationFactory(name=f"Volunteer {index}")
        c.SurveyResponse.objects.create(
            survey=c.Survey.objects.get(code="be-with-u-needs-2022"),
            organisation=organisation,
            form_language="fr",
            answers={"q56": "yes", "q4": ["french"], "q3": ["fr"]},
        )
        ConsentFactory(contact=ContactFactory(organisation=organisation))
    anonymous = OrganisationFactory(name=f"Anonymous {count}")
    c.SurveyResponse.objects.create(
        survey=c.Survey.objects.get(code="be-with-u-needs-2022"),
        organisation=anonymous,
        form_language="fr",
        answers={"q56": "yes"},
    )


def volunteers_with_one_invitee_of(facilitator, count: int = 3):
    """``make_volunteers(count)``, with the contact of "Volunteer 1" invited to a session of
    a round ``facilitator`` facilitates and that of "Volunteer 2" to someone else's meeting;
    returns the first contact."""
    make_volunteers(count)
    round_ = ConsultationRoundFactory()
    round_.facilitators.add(facilitator)
    invitee = c.Organisation.objects.get(name="Volunteer 1").contacts.get()
    InvitationFactory(meeting=RoundSessionFactory(consultation_round=round_), contact=invitee)
    InvitationFactory(contact=c.Organisation.objects.get(name="Volunteer 2").contacts.get())
    return invitee


def round_invitees_elsewhere(round_, count: int) -> None:
    """``count`` more invitees of ``round_``, each of an organisation of their own, spread
    over 20 new sessions and written in bulk (a round at the mechanism's size)."""
    sessions = RoundSessionFactory.create_batch(20, consultation_round=round_)
    first = c.Organisation.objects.count()
    organisations = c.Organisation.objects.bulk_create(
        c.Organisation(name=f"Elsewhere {n}", name_key=f"elsewhere {n}")
        for n in range(first, first + count)
    )
    contacts = c.Contact.objects.bulk_create(
        c.Contact(organisation=o, name="Invitee", name_key="invitee") for o in organisations
    )
    m.Invitation.objects.bulk_create(
        m.Invitation(meeting=sessions[n % 20], contact=contact)
        for n, contact in enumerate(contacts)
    )
