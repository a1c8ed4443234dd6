"""Reads of the ``coordination`` app: querysets filtered by what a user may see."""

from django.db.models import Count, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from coordination.models import (
    ConsultationRound,
    Contact,
    Organisation,
    Survey,
    WorkingGroup,
)
from coordination.rules import GROUP_LEADING_ROLES, is_team

NEEDS_ASSESSMENT_SURVEY = "be-with-u-needs-2022"


def json_list_contains(field: str, code: str) -> Q:
    """Filter rows whose JSON list ``field`` holds ``code``, on SQLite and PostgreSQL alike
    (both render a JSON list of strings as text with double-quoted items)."""
    return Q(**{f"_{field}_text__contains": f'"{code}"'})


def with_json_text(queryset: QuerySet, *fields: str) -> QuerySet:
    return queryset.annotate(**{f"_{f}_text": Cast(f, output_field=TextField()) for f in fields})


def contact_ids_with_visible_details(*, user) -> set[int] | None:
    """The contacts whose e-mail and phone ``user`` may see; ``None`` means all (the team).

    A facilitator sees the details of the members of the working groups they lead and of the
    invitees of the rounds they facilitate; anyone sees their own. One query, whatever the
    number of contacts."""
    if is_team(user):
        return None
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_visible_contact_ids", None)
    if cached is not None:
        return cached
    condition = Q(user=user) | Q(
        memberships__until__isnull=True,
        memberships__group__memberships__contact__user=user,
        memberships__group__memberships__role__in=GROUP_LEADING_ROLES,
        memberships__group__memberships__until__isnull=True,
    )
    # The reverse relation from meetings is named by string: coordination never imports it.
    condition |= Q(invitations__meeting__consultation_round__facilitators=user)
    visible = set(Contact.objects.filter(condition).values_list("pk", flat=True).distinct())
    user._visible_contact_ids = visible
    return visible


def organisation_list(*, user) -> QuerySet[Organisation]:
    """Organisations with the contacts whose details ``user`` may see prefetched."""
    visible = contact_ids_with_visible_details(user=user)
    contacts = Contact.objects.filter(is_active=True, erased_at__isnull=True).order_by("name")
    if visible is not None:
        contacts = contacts.filter(pk__in=visible)
    return Organisation.objects.annotate(
        contact_count=Count("contacts", filter=Q(contacts__is_active=True), distinct=True)
    ).prefetch_related(Prefetch("contacts", queryset=contacts, to_attr="visible_contacts"))


def working_group_list(*, user) -> QuerySet[WorkingGroup]:
    from coordination.models import Membership

    current = Membership.objects.filter(until__isnull=True).select_related("contact__organisation")
    return WorkingGroup.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__until__isnull=True))
    ).prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))


def round_list(*, user) -> QuerySet[ConsultationRound]:
    return ConsultationRound.objects.prefetch_related("facilitators", "questions")


def rounds_facilitated_by(*, user) -> QuerySet[ConsultationRound]:
    if is_team(user):
        return ConsultationRound.objects.all()
    return ConsultationRound.objects.filter(facilitators=user)


def groups_led_by(*, user) -> QuerySet[WorkingGroup]:
    if is_team(user):
        return WorkingGroup.objects.all()
    return WorkingGroup.objects.filter(
        memberships__contact__user=user,
        memberships__role__in=GROUP_LEADING_ROLES,
        memberships__until__isnull=True,
    ).distinct()


def needs_assessment_survey() -> Survey:
    return Survey.objects.get(code=NEEDS_ASSESSMENT_SURVEY)


def active_consent_purposes(contact: Contact) -> set[str]:
    return {c.purpose for c in contact.consents.all() if c.withdrawn_at is None}
