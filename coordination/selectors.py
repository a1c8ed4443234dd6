"""Reads of the ``coordination`` app: querysets filtered by what a user may see."""

import functools
import hashlib
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce

from coordination import enums
from coordination.models import (
    AccessEvent,
    ConsultationRound,
    Contact,
    ErasureRecord,
    Membership,
    Organisation,
    Question,
    Survey,
    SurveyImportJob,
    SurveyResponse,
    User,
    WorkingGroup,
    normalise_name,
    translated,
)
from coordination.rules import GROUP_LEADING_ROLES, is_team

NEEDS_ASSESSMENT_SURVEY = "be-with-u-needs-2022"


def json_list_contains(field: str, code: str) -> Q:
    """Filter rows whose JSON list ``field`` holds ``code``, on SQLite and PostgreSQL alike
    (both render a JSON list of strings as text with double-quoted items)."""
    return Q(**{f"_{field}_text__contains": f'"{code}"'})


def with_json_text(queryset: QuerySet, *fields: str) -> QuerySet:
    return queryset.annotate(**{f"_{f}_text": Cast(f, output_field=TextField()) for f in fields})


# Part of who may see whose details is recorded by the ``meetings`` app (the invitees of the
# rounds a user facilitates), which coordination never imports: such an app registers a
# function here (``contact_detail_grant_register``) that takes a user and returns a queryset
# of rows with a ``contact_id`` (``.values("contact_id")``): the further contacts whose
# details that user may see. It is read whole or for the contacts of a page
# (``contact_ids_with_visible_details``, its ``among``).
CONTACT_DETAIL_GRANTS: list[Callable[[Any], QuerySet]] = []


def contact_detail_grant_register(grant: Callable[[Any], QuerySet]) -> None:
    if grant not in CONTACT_DETAIL_GRANTS:
        CONTACT_DETAIL_GRANTS.append(grant)


# Beyond this many contacts asked about, the whole set is read instead (a database limits
# the parameters of a statement).
VISIBLE_AMONG_AT_MOST = 2000


def contact_ids_with_visible_details(*, user, among=None) -> set[int] | None:
    """The contacts whose e-mail and phone ``user`` may see; ``None`` means all (the team).

    A facilitator sees the details of the members of the working groups they lead and of the
    contacts the registered grants give them (the invitees of the rounds they facilitate);
    anyone sees their own. One query, whatever the number of contacts. With ``among`` (the
    ids of a page's contacts), only those are asked about: each source is then read through
    its indexed ``contact_id`` for these contacts, so the cost follows the page, not the
    members and invitees of the user's groups and rounds."""
    if is_team(user):
        return None
    among = None if among is None else sorted(set(among))
    if not user.is_authenticated or among == []:
        return set()
    cached = getattr(user, "_visible_contact_ids", None)
    if among is not None and (cached is not None or len(among) > VISIBLE_AMONG_AT_MOST):
        return contact_ids_with_visible_details(user=user).intersection(among)
    if cached is not None:
        return cached
    own, *others = _visible_contact_sources(user.pk, tuple(CONTACT_DETAIL_GRANTS))
    if among is None:
        parts = [own.all(), *(part.all() for part in others)]
    else:
        parts = [own.filter(pk__in=among), *(part.filter(contact_id__in=among) for part in others)]
    visible = {pk for (pk,) in parts[0].union(*parts[1:])}
    if among is None:
        user._visible_contact_ids = visible
    return visible


@functools.lru_cache(maxsize=1024)
def _visible_contact_sources(user_id: int, grants: tuple) -> tuple[QuerySet, ...]:
    """The ids ``contact_ids_with_visible_details`` unites, one query each over indexed
    columns (no OR across multi-valued joins, which multiplies rows by every membership of
    every group): the user's own record, the current members of the groups they lead, and
    each grant's. Built once per user id and set of grants: they hold the user's id and no
    data (the database reads them on each use), and each use copies them."""
    user = User(pk=user_id)
    led_groups = Membership.objects.filter(
        contact__user=user, role__in=GROUP_LEADING_ROLES, until__isnull=True
    ).values("group_id")
    parts = [
        Contact.objects.filter(user=user).values_list("pk"),
        Membership.objects.filter(group_id__in=led_groups, until__isnull=True).values_list(
            "contact_id"
        ),
        *(grant(user).values_list("contact_id") for grant in grants),
    ]
    return tuple(part.order_by() for part in parts)


# The number of active contacts of an organisation: a correlated count, computed for the
# rows of a page only, and left out of the paginator's COUNT.
ACTIVE_CONTACT_COUNT = Coalesce(
    Subquery(
        Contact.objects.filter(organisation=OuterRef("pk"), is_active=True)
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    ),
    0,
)


def organisation_list() -> QuerySet[Organisation]:
    """Organisations with their number of active contacts (``contact_count``); the contacts
    themselves are read for a page's rows (``with_visible_contacts``)."""
    return Organisation.objects.annotate(contact_count=ACTIVE_CONTACT_COUNT)


def with_visible_contacts(organisations, *, user) -> list[Organisation]:
    """``organisations`` (a page's rows), each with ``visible_contacts``: its active contacts
    whose details ``user`` may see, by name. Two queries whatever the number of rows: the
    contacts of these organisations, then which of them ``user`` may see
    (``contact_ids_with_visible_details`` asked about them only)."""
    organisations = list(organisations)
    contacts = Contact.objects.filter(is_active=True, erased_at__isnull=True).order_by("name")
    prefetch_related_objects(
        organisations, Prefetch("contacts", queryset=contacts, to_attr="active_contacts")
    )
    visible = contact_ids_with_visible_details(
        user=user, among=[c.pk for o in organisations for c in o.active_contacts]
    )
    for organisation in organisations:
        organisation.visible_contacts = [
            c for c in organisation.active_contacts if visible is None or c.pk in visible
        ]
    return organisations


def organisation_names(ids) -> list[str]:
    """The names of the organisations ``ids``, in that order (one query)."""
    names = dict(Organisation.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
    return [names[pk] for pk in ids if pk in names]


def working_group_list(*, user) -> QuerySet[WorkingGroup]:
    """The working groups with their number of current members (``member_count``)."""
    return WorkingGroup.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__until__isnull=True))
    )


def working_groups_with_members(*, user) -> QuerySet[WorkingGroup]:
    """``working_group_list`` with each group's current memberships, their contact and its
    organisation (``current_memberships``): for a group's page and the API, not for the list
    of groups, which would read every member of every group."""
    current = Membership.objects.filter(until__isnull=True).select_related("contact__organisation")
    return working_group_list(user=user).prefetch_related(
        Prefetch("memberships", queryset=current, to_attr="current_memberships")
    )


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


def survey_import_job_of(*, user, token) -> SurveyImportJob | None:
    """The survey import ``token`` names, if ``user`` asked for it (any other token: none)."""
    try:
        key = uuid.UUID(str(token))
    except ValueError:
        return None
    return SurveyImportJob.objects.filter(token=key, requested_by=user).first()


def needs_assessment_survey() -> Survey:
    return Survey.objects.get(code=NEEDS_ASSESSMENT_SURVEY)


def active_consent_purposes(contact: Contact) -> set[str]:
    return {c.purpose for c in contact.consents.all() if c.withdrawn_at is None}


def contact_may_be_written_to(*, contact: Contact | None, purpose: str | None) -> bool:
    """The one rule of every e-mail written to a person for a purpose: not to an erased
    contact, nor to one without an address, nor for a purpose whose consent they withdrew
    (a consent withdrawn and not given again). A purpose they never recorded anything about
    (a member the team added) or no purpose at all (a meeting of neither a group nor a round)
    leaves them reachable."""
    if contact is None or contact.erased_at is not None or not contact.email:
        return False
    if purpose is None:
        return True
    records = contact.consents.filter(purpose=purpose)
    return not records.exists() or records.filter(withdrawn_at__isnull=True).exists()


# --- Survey results ---------------------------------------------------------------------------
# One computation feeds the survey-results pages, their CSV/XLSX export and the consultation
# report. It reads the responses once and counts in Python (a few thousand rows at most).

TWO_COLUMNS = ("all", "ukraine")


@dataclass(frozen=True)
class OptionCount:
    code: str
    label: str
    count: int
    share: float  # of the base, 0..1


@dataclass(frozen=True)
class ColumnStats:
    """Counts of one closed question (or of one column, or of one Likert row)."""

    base: int  # respondents who answered
    options: list[OptionCount]


@dataclass
class QuestionStats:
    question: Question
    responses: int  # responses considered (after filters)
    closed: ColumnStats | None = None
    columns: dict[str, ColumnStats] = field(default_factory=dict)  # two-column questions
    rows: list[tuple[str, str, ColumnStats]] = field(default_factory=list)  # Likert grid
    open_answers: list[str] = field(default_factory=list)
    other_answers: list[str] = field(default_factory=list)

    @property
    def base(self) -> int:
        if self.closed is not None:
            return self.closed.base
        if self.columns:
            return max(c.base for c in self.columns.values())
        if self.rows:
            return max(r[2].base for r in self.rows)
        return len(self.open_answers)


def option_label(option: dict, language: str, form_language=None) -> str:
    """An option's or a row's label in ``language``, else the form's language, else English."""
    return translated(option.get("label", {}), language, form_language) or option["code"]


def _count(options: list[dict], answers: list, language: str, form_language=None) -> ColumnStats:
    counts = dict.fromkeys((o["code"] for o in options), 0)
    base = 0
    for answer in answers:
        codes = answer if isinstance(answer, list) else [answer]
        codes = [c for c in codes if c in counts]
        if not codes:
            continue
        base += 1
        for code in set(codes):
            counts[code] += 1
    return ColumnStats(
        base=base,
        options=[
            OptionCount(
                code=o["code"],
                label=option_label(o, language, form_language),
                count=counts[o["code"]],
                share=(counts[o["code"]] / base) if base else 0.0,
            )
            for o in options
        ],
    )


def _present(value) -> bool:
    return value not in (None, "", [], {})


def question_stats_from_answers(
    *, question: Question, answer_sets: list[dict], language: str = "en"
) -> QuestionStats:
    """Counts and percentages of one question over already-loaded ``answers`` dicts."""
    key = question.key
    values = [a.get(key) for a in answer_sets]

    def form_language() -> str:  # read only for a label missing in ``language``
        return question.survey.language

    stats = QuestionStats(question=question, responses=len(answer_sets))
    stats.other_answers = [
        a[f"{key}_other"] for a in answer_sets if _present(a.get(f"{key}_other"))
    ]
    kind = question.kind
    if kind == "likert":
        for row in question.rows:
            row_values = [v.get(row["code"]) for v in values if isinstance(v, dict)]
            stats.rows.append(
                (
                    row["code"],
                    option_label(row, language, form_language),
                    _count(question.options, row_values, language, form_language),
                )
            )
    elif question.two_column:
        for column in TWO_COLUMNS:
            column_values = [v.get(column) for v in values if isinstance(v, dict)]
            if question.options:
                stats.columns[column] = _count(
                    question.options, column_values, language, form_language
                )
            else:
                stats.open_answers += [str(v) for v in column_values if _present(v)]
    elif question.options:
        stats.closed = _count(
            question.options, [v for v in values if _present(v)], language, form_language
        )
    else:
        stats.open_answers = [str(v) for v in values if _present(v)]
    return stats


def survey_responses(
    *, survey: Survey, form_language: str = "", area: str = ""
) -> QuerySet[SurveyResponse]:
    """The responses of a survey, optionally only those in one form language or from
    organisations active in one area (Q4)."""
    responses = SurveyResponse.objects.filter(survey=survey)
    if form_language:
        responses = responses.filter(form_language=form_language)
    if area:
        responses = with_json_text(responses, "organisation__areas").filter(
            json_list_contains("organisation__areas", area)
        )
    return responses


def survey_question_stats(
    *,
    question: Question,
    responses: QuerySet[SurveyResponse] | None = None,
    language: str = "en",
) -> QuestionStats:
    """Counts and percentages of one question (one query for the answers)."""
    if responses is None:
        responses = SurveyResponse.objects.filter(survey_id=question.survey_id)
    answer_sets = list(responses.values_list("answers", flat=True))
    return question_stats_from_answers(
        question=question, answer_sets=answer_sets, language=language
    )


def survey_results(
    *,
    survey: Survey,
    responses: QuerySet[SurveyResponse] | None = None,
    numbers: list[int] | None = None,
    language: str = "en",
) -> list[QuestionStats]:
    """Statistics of several questions (all by default) in two queries."""
    questions = survey.questions.all()
    if numbers is not None:
        questions = questions.filter(number__in=numbers)
    if responses is None:
        responses = SurveyResponse.objects.filter(survey=survey)
    answer_sets = list(responses.values_list("answers", flat=True))
    return [
        question_stats_from_answers(question=q, answer_sets=answer_sets, language=language)
        for q in questions
    ]


# Statistics are computed once per state of the survey's data and kept in the cache: the
# survey import (the only writer of responses, and of organisations' areas, which the area
# filter reads) gives the survey a new data version, and the statistics of the old one are
# never read again. A version missing from the cache (evicted, cleared) is a new one.
SURVEY_STATS_CACHE_SECONDS = 7 * 24 * 3600
# The latest statistics read are also kept in the process, under the same key (which changes
# with the data): unpickling them from the cache on every request cost more than the page.
SURVEY_STATS_IN_PROCESS = 16
_RESULTS_IN_PROCESS: OrderedDict[str, dict] = OrderedDict()


def _survey_data_version_key(survey_id: int) -> str:
    return f"survey-data-version:{survey_id}"


def survey_data_version(*, survey_id: int) -> str:
    key = _survey_data_version_key(survey_id)
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, timeout=None):
            version = cache.get(key) or version
    return version


def survey_data_changed(*, survey_id: int) -> None:
    """The survey's responses changed: statistics are computed again on their next read."""
    cache.set(_survey_data_version_key(survey_id), uuid.uuid4().hex, timeout=None)


def survey_results_cached(
    *, survey: Survey, form_language: str = "", area: str = "", language: str = "en"
) -> dict[int, QuestionStats]:
    """``survey_results`` of every question by number, for the filters given: read from the
    cache, or computed (once for this state of the data) and cached."""
    # The version the import gives, and a stamp of the rows themselves (one index-only
    # read), so that responses written by any other door are never shown stale.
    stamp = SurveyResponse.objects.filter(survey=survey).aggregate(
        n=Count("pk"), at=Max("updated_at")
    )
    parts = [
        survey.pk,
        survey_data_version(survey_id=survey.pk),
        stamp["n"],
        stamp["at"].isoformat() if stamp["at"] else "",
        form_language,
        area,
        language,
    ]
    key = "survey-results:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    results = _RESULTS_IN_PROCESS.get(key)
    if results is not None:
        _RESULTS_IN_PROCESS.move_to_end(key)
        return results
    results = cache.get(key)
    if results is None:
        responses = survey_responses(survey=survey, form_language=form_language, area=area)
        computed = survey_results(survey=survey, responses=responses, language=language)
        results = {stats.question.number: stats for stats in computed}
        cache.set(key, results, timeout=SURVEY_STATS_CACHE_SECONDS)
    _RESULTS_IN_PROCESS[key] = results
    while len(_RESULTS_IN_PROCESS) > SURVEY_STATS_IN_PROCESS:
        _RESULTS_IN_PROCESS.popitem(last=False)
    return results


# --- Personal data ------------------------------------------------------------------------


def contact_personal_data(*, contact: Contact) -> dict:
    """What the coordination app holds about one person (GDPR art. 15 and 20): the contact
    record, consents, survey responses given and working-group memberships."""
    consents = contact.consents.order_by("given_at")
    memberships = contact.memberships.select_related("group").order_by("since")
    responses = contact.survey_responses.select_related("organisation").order_by("submitted_at")
    return {
        "contact": {
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "function": contact.function,
            "preferred_language": contact.preferred_language,
            "organisation": contact.organisation.name,
            "active": contact.is_active,
            "source": contact.source,
            "lawful_basis": contact.lawful_basis,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "lawful_basis": c.lawful_basis,
                "source": c.source,
                "source_detail": c.source_detail,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ],
        "survey_responses": [
            {
                "organisation": r.organisation.name,
                "form_language": r.form_language,
                "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                "answers": r.answers,
            }
            for r in responses
        ],
        "working_groups": [
            {
                "group": m.group.name,
                "role": m.role,
                "since": m.since.isoformat(),
                "until": m.until.isoformat() if m.until else None,
            }
            for m in memberships
        ],
    }


# --- Volunteer pool ---------------------------------------------------------------------------
# Organisations that said yes to Q56 and have an active contact with an active consent for
# consultation rounds. Their consultation load (invitations and attendance) is the
# ``meetings`` app's to add (``meetings.selectors.panels``).

POOL_FILTERS = {
    # filter name: (question, organisation field or None when read from the answers)
    "working_language": (3, "working_languages"),
    "area": (4, "areas"),
    "domain": (5, "domains"),
    "target_public": (7, "target_publics"),
    "support_role": (10, "support_role"),
    "shares_data": (39, None),
    "active_engagement": (44, None),
    "meeting_interest": (50, None),
}


def contacts_joinable(*, group: WorkingGroup) -> QuerySet[Contact]:
    """Who may be added to ``group``: active contacts, not erased, not a current member."""
    members = Membership.objects.filter(group=group, until__isnull=True).values("contact_id")
    return Contact.objects.filter(is_active=True, erased_at__isnull=True).exclude(pk__in=members)


def eligible_contacts() -> QuerySet[Contact]:
    """Contacts who may be invited to a consultation round: active, not erased, with an
    active consent for consultation rounds."""
    return Contact.objects.filter(
        is_active=True,
        erased_at__isnull=True,
        consents__purpose=enums.ConsentPurpose.CONSULTATION_ROUNDS,
        consents__withdrawn_at__isnull=True,
    )


def volunteered_organisations(*, survey: Survey | None = None) -> QuerySet[Organisation]:
    """Organisations whose survey response says yes to Q56 (read from the indexed
    ``SurveyResponse.volunteers`` column, never from the answers)."""
    responses = SurveyResponse.objects.filter(volunteers=True)
    if survey is not None:
        responses = responses.filter(survey=survey)
    return Organisation.objects.filter(pk__in=responses.values("organisation_id"))


def pool_filter(queryset: QuerySet[Organisation], filters: dict[str, str]) -> QuerySet:
    for name, value in (filters or {}).items():
        if not value or name not in POOL_FILTERS:
            continue
        number, field_name = POOL_FILTERS[name]
        if field_name == "support_role":
            queryset = queryset.filter(support_role=value)
        elif field_name:
            queryset = with_json_text(queryset, field_name).filter(
                json_list_contains(field_name, value)
            )
        else:  # a subquery, not a join: an organisation with several responses counts once
            answered = SurveyResponse.objects.filter(**{f"answers__q{number}": value})
            queryset = queryset.filter(pk__in=answered.values("organisation_id"))
    return queryset


def volunteer_pool(*, filters: dict[str, str] | None = None) -> QuerySet[Organisation]:
    """The volunteer pool: Q56 yes and an eligible contact (see ``pool_contacts``), by name.
    Withdrawing consent removes an organisation at once.

    Only uncorrelated subqueries (``IN``) and joins: PostgreSQL plans them as hash joins even
    right after a large import, before statistics are refreshed."""
    queryset = volunteered_organisations().filter(
        pk__in=eligible_contacts().values("organisation_id")
    )
    return pool_filter(queryset, filters or {}).order_by("name")


def volunteer_pool_counts(*, filters: dict[str, str] | None = None) -> tuple[int, int]:
    """The size of the volunteer pool and the number of volunteers without a contact who may
    be invited yet (``volunteer_pool``, ``volunteers_without_contact``), in one pass over the
    volunteers: the eligible contacts' list is built once for both."""
    queryset = pool_filter(volunteered_organisations(), filters or {})
    counts = queryset.aggregate(
        volunteers=Count("pk"),
        pool=Count("pk", filter=Q(pk__in=eligible_contacts().values("organisation_id"))),
    )
    return counts["pool"], counts["volunteers"] - counts["pool"]


def volunteer_pool_by_name(*, filters: dict[str, str] | None = None) -> QuerySet[Organisation]:
    """The volunteer pool as ``volunteer_pool``, for reading one page at a time in name
    order: each organisation is checked with ``EXISTS`` as the name index is walked, so a
    page costs a few index probes instead of collecting and sorting the whole pool. Count
    and whole-pool reads use ``volunteer_pool`` (its ``IN`` lists are cheaper there)."""
    volunteers = SurveyResponse.objects.filter(volunteers=True, organisation=OuterRef("pk"))
    has_contact = eligible_contacts().filter(organisation=OuterRef("pk"))
    queryset = Organisation.objects.filter(Exists(volunteers), Exists(has_contact))
    return pool_filter(queryset, filters or {}).order_by("name")


def volunteers_without_contact(*, filters: dict[str, str] | None = None) -> QuerySet:
    """Organisations that volunteered but have no contact who may be invited yet (anonymous
    exports): the team adds one. (``NOT IN`` one list of the eligible contacts' organisations,
    never null, rather than a subquery per volunteer.)"""
    queryset = volunteered_organisations().exclude(
        pk__in=eligible_contacts().values("organisation_id")
    )
    return pool_filter(queryset, filters or {}).order_by("name")


def pool_contacts(organisations, *, user=None) -> dict[int, Contact]:
    """The contact each organisation would be invited through (the oldest eligible one),
    for a page of organisations, in one query (its name and e-mail address). With ``user``,
    each contact's ``details_visible`` says whether ``user`` may see its e-mail address
    (``contact_ids_with_visible_details``), asked about these contacts only."""
    ids = [o.pk for o in organisations]
    contacts: dict[int, Contact] = {}
    eligible = eligible_contacts().filter(organisation_id__in=ids)
    for contact in eligible.only("organisation_id", "name", "email").order_by("pk"):
        contacts.setdefault(contact.organisation_id, contact)
    if user is not None:
        visible = contact_ids_with_visible_details(
            user=user, among=[c.pk for c in contacts.values()]
        )
        for contact in contacts.values():
            contact.details_visible = visible is None or contact.pk in visible
    return contacts


def pool_contacts_with_details_shown(contacts: dict[int, Contact]) -> list[int]:
    """The ids of the contacts of ``pool_contacts`` (read with a user) whose e-mail address
    a page or an answer of the pool shows: those its access record names."""
    return sorted(c.pk for c in contacts.values() if c.details_visible and c.email)


def pool_contact_ids() -> dict[int, int]:
    """Organisation id → its oldest eligible contact's id, for the whole pool (one query)."""
    contact_ids: dict[int, int] = {}
    for organisation_id, contact_id in (
        eligible_contacts().order_by("pk").values_list("organisation_id", "pk")
    ):
        contact_ids.setdefault(organisation_id, contact_id)
    return contact_ids


def question_stats_table(stats: QuestionStats) -> list[list]:
    """The per-question table of the results page as rows (header first), for CSV/XLSX:
    option, then count and percentage per column (two-column questions, Likert rows)."""
    percent = "%"
    if stats.closed is not None:
        rows = [["option", "count", percent]]
        rows += [[o.label, o.count, round(o.share * 100, 1)] for o in stats.closed.options]
        rows.append(["n", stats.closed.base, ""])
    elif stats.columns:
        columns = list(stats.columns)
        rows = [["option"] + [f"{c} {h}" for c in columns for h in ("count", percent)]]
        first = stats.columns[columns[0]]
        for index, option in enumerate(first.options):
            row = [option.label]
            for column in columns:
                cell = stats.columns[column].options[index]
                row += [cell.count, round(cell.share * 100, 1)]
            rows.append(row)
        rows.append(["n"] + [v for c in columns for v in (stats.columns[c].base, "")])
    elif stats.rows:
        scale = [o.label for o in stats.rows[0][2].options] if stats.rows else []
        rows = [["row", *scale, "n"]]
        for _code, label, column in stats.rows:
            rows.append([label, *[o.count for o in column.options], column.base])
    else:
        rows = [["answer"]] + [[a] for a in stats.open_answers]
    if stats.other_answers:
        rows += [["other"]] + [[a] for a in stats.other_answers]
    return rows


def person_name(*, user: User | None, contact: Contact | None = None) -> str:
    """How a person is named: the contact's name, else the user's full name (never the
    username, unless there is nothing else)."""
    if contact is None and user is not None:
        contact = getattr(user, "contact", None) if user.pk else None
    if contact is not None and contact.name:
        return contact.name
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.get_username()


# --- E-mail domains of organisations (who may take a seat in an organisation's place) -------

# Addresses at these providers say nothing of their holder's organisation.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.be",
        "hotmail.com",
        "hotmail.be",
        "live.com",
        "live.be",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "skynet.be",
        "telenet.be",
        "proximus.be",
        "orange.fr",
        "free.fr",
    }
)


def email_domain(email: str) -> str:
    return (email or "").rsplit("@", 1)[-1].strip().lower() if "@" in (email or "") else ""


def organisation_email_domains(*, organisation: Organisation) -> set[str]:
    """The organisation's known e-mail domains: its own (``email_domain``) and those of its
    active contacts, public mail providers left out."""
    addresses = Contact.objects.filter(
        organisation=organisation, is_active=True, erased_at__isnull=True, email__isnull=False
    ).values_list("email", flat=True)
    domains = {email_domain(address) for address in addresses}
    if organisation.email_domain:
        domains.add(organisation.email_domain.strip().lstrip("@").lower())
    return {domain for domain in domains if domain and domain not in PUBLIC_EMAIL_DOMAINS}


def organisations_of_email_domain(*, domain: str) -> QuerySet[Organisation]:
    """Organisations for which ``domain`` is a known e-mail domain."""
    domain = (domain or "").lower()
    if not domain or domain in PUBLIC_EMAIL_DOMAINS:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(email_domain__iexact=domain)
        | Q(
            contacts__email__iendswith=f"@{domain}",
            contacts__is_active=True,
            contacts__erased_at__isnull=True,
        )
    ).distinct()


def erased_email_hashes() -> set[str]:
    """The tombstones (keyed hashes) of every erased e-mail address."""
    return set(ErasureRecord.objects.exclude(email_hash="").values_list("email_hash", flat=True))


def access_event_list(
    *, action: str = "", door: str = "", contact_id: int | None = None, since=None, until=None
) -> QuerySet[AccessEvent]:
    """The audit trail of accesses to personal data, newest first, filtered."""
    events = AccessEvent.objects.select_related("actor").order_by("-at", "-id")
    if action:
        events = events.filter(action=action)
    if door:
        events = events.filter(door=door)
    if contact_id is not None:
        events = events.filter(contact_id_ref=contact_id)
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    return events


def contact_labels(*, contact_ids) -> dict[int, str]:
    """How the audit trail names contacts: their name, or their pseudonym once erased."""
    return dict(
        Contact.objects.filter(pk__in={i for i in contact_ids if i}).values_list("pk", "name")
    )


CONTACT_SEARCH_MIN_LENGTH = 2


def contact_search(queryset: QuerySet[Contact], text: str, *, limit: int) -> list[Contact]:
    """The contacts of ``queryset`` that ``text`` names, by name first, at most ``limit``:
    each word must be in the contact's name or their organisation's name ("dupont fedasil"),
    case, accents and punctuation ignored ("helene" finds "Hélène"; the ``name_key``
    columns), or the whole text is their e-mail address. An e-mail address is never matched
    in part, so a search does not show who has one."""
    if "\x00" in text:
        return []  # PostgreSQL refuses a NUL in a text
    key = normalise_name(text)
    if len(key) < CONTACT_SEARCH_MIN_LENGTH:
        return []
    named = Q()
    for word in key.split()[:6]:
        named &= Q(name_key__contains=word) | Q(organisation__name_key__contains=word)
    matches = queryset.filter(named | Q(email__iexact=text.strip()))
    return list(matches.select_related("organisation").order_by("name", "pk")[:limit])


def organisation_search(
    queryset: QuerySet[Organisation], text: str, *, limit: int
) -> list[Organisation]:
    """The organisations of ``queryset`` that ``text`` names, at most ``limit``: the one whose
    whole name it is, if there is exactly one, or else those whose name holds each of its
    words (case, accents and punctuation ignored), by name."""
    if "\x00" in text:
        return []
    key = normalise_name(text)
    if len(key) < CONTACT_SEARCH_MIN_LENGTH:
        return []
    exact = list(queryset.filter(name_key=key).order_by("pk")[:2])
    if len(exact) == 1:
        return exact
    named = Q()
    for word in key.split()[:6]:
        named &= Q(name_key__contains=word)
    return list(queryset.filter(named).order_by("name", "pk")[:limit])
