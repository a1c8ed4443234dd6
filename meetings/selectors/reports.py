"""The data snapshot of a consultation report: one function, a constant number of queries,
plain JSON-ready dicts (stored with every version, so a version can be rendered again).

Personal data rule: no personal names except the facilitators; organisations are named only
when one of their active contacts holds an active "named in reports" consent, the others are
counted. Survey figures come from ``coordination.selectors.survey_results`` only."""

import re
import zoneinfo
from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coordination import dates
from coordination import enums as c_enums
from coordination.models import (
    Consent,
    ConsultationRound,
    Contact,
    Organisation,
    Question,
    Survey,
    SurveyResponse,
    User,
    normalise_name,
)
from coordination.panels import rerun_command
from coordination.selectors import QuestionStats, person_name, survey_results, volunteer_pool
from meetings import enums
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesNote,
    PanelDraw,
    RoundDraw,
)
from meetings.selectors.feedback import round_feedback_results

# Invitations that reached the invitee (drafted, waitlisted or cancelled ones did not).
INVITED_STATUSES = (
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DECLINED,
    enums.InvitationStatus.DELEGATED,
)

# The participants' profile: (key, Organisation field, choices, several values per organisation).
PROFILE_DIMENSIONS = (
    ("working_languages", c_enums.WorkingLanguage, True),
    ("areas", c_enums.Area, True),
    ("domains", c_enums.Domain, True),
    ("support_role", c_enums.SupportRole, False),
    ("kind", c_enums.OrganisationKind, False),
)

CRITERION_LABELS = {
    "working_language": c_enums.WorkingLanguage,
    "working_languages": c_enums.WorkingLanguage,
    "area": c_enums.Area,
    "areas": c_enums.Area,
    "domain": c_enums.Domain,
    "domains": c_enums.Domain,
    "support_role": c_enums.SupportRole,
    "kind": c_enums.OrganisationKind,
}


def _profile_titles() -> dict[str, str]:
    return {
        "working_languages": _("Working language"),
        "areas": _("Area of activity"),
        "domains": _("Domain"),
        "support_role": _("Support role towards displaced persons"),
        "kind": _("Kind of organisation"),
    }


def _criterion_titles() -> dict[str, str]:
    titles = _profile_titles()
    return {
        "working_language": titles["working_languages"],
        "working_languages": titles["working_languages"],
        "area": titles["areas"],
        "areas": titles["areas"],
        "domain": titles["domains"],
        "domains": titles["domains"],
        "support_role": titles["support_role"],
        "kind": titles["kind"],
    }


def project_context(language: str) -> str:
    """The installation's paragraph that introduces a report in ``language``."""
    configured = getattr(settings, "REPORT_PROJECT_CONTEXTS", {}).get(language)
    if configured:
        return configured
    with translation.override(language):
        return str(settings.REPORT_PROJECT_CONTEXT)


def _date(value, tz=None) -> str:
    return dates.medium_date(value, tz=tz)


def _plain_date(value) -> str:
    return dates.medium_date(value)


def _time(value, tz=None) -> str:
    return dates.time_of_day(value, tz=tz)


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _user_name(user) -> str:
    return person_name(user=user) if user else ""


def pool_organisations():
    """The volunteer pool, exactly as the pool page and the panel draw see it: Q56 yes and a
    contact who may be invited."""
    return Organisation.objects.filter(pk__in=volunteer_pool().values("pk"))


def _named_consent():
    return Consent.objects.filter(
        contact__organisation=OuterRef("pk"),
        contact__is_active=True,
        purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS,
        withdrawn_at__isnull=True,
    )


def _named_consent_of_contact():
    return Consent.objects.filter(
        contact=OuterRef("pk"),
        purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS,
        withdrawn_at__isnull=True,
    )


def _redactor(*, organisations: list[str], people: list[str]):
    """A function that withholds, in free text written during the round (notes, decisions,
    action items, agenda titles), the names of organisations and people who did not consent
    to be named. Whole words, any case; longer names first."""
    replacements = [(name, _("[organisation not named]")) for name in organisations] + [
        (name, _("[name withheld]")) for name in people
    ]
    replacements = [(n.strip(), r) for n, r in replacements if len(n.strip()) >= 3]
    if not replacements:
        return lambda text: text
    replacements.sort(key=lambda pair: -len(pair[0]))
    by_key = {n.casefold(): r for n, r in replacements}
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n) for n, _r in replacements) + r")(?!\w)",
        re.IGNORECASE,
    )

    def redact(text: str) -> str:
        return pattern.sub(lambda m: by_key.get(m.group(0).casefold(), m.group(0)), text or "")

    return redact


def names_redactor(*, organisations: list[str], people: list[str]):
    """The report's way of withholding names, for copies made from a stored snapshot."""
    return _redactor(organisations=organisations, people=people)


def _profile(orgs: list[dict], pool: list[dict]) -> list[dict]:
    titles = _profile_titles()
    dimensions = []
    for key, choices, multi in PROFILE_DIMENSIONS:
        counts: Counter = Counter()
        pool_counts: Counter = Counter()
        for target, rows in ((counts, orgs), (pool_counts, pool)):
            for org in rows:
                values = org[key] if multi else [org[key]]
                for value in {v for v in values or [] if v}:
                    target[value] += 1
        rows = []
        for code, label in choices.choices:
            if not counts[code] and not pool_counts[code]:
                continue
            rows.append(
                {
                    "code": code,
                    "label": str(label),
                    "count": counts[code],
                    "share": counts[code] / len(orgs) if orgs else 0.0,
                    "pool_count": pool_counts[code],
                    "pool_share": pool_counts[code] / len(pool) if pool else 0.0,
                }
            )
        dimensions.append(
            {
                "key": key,
                "title": titles[key],
                "multiple": multi,
                "base": len(orgs),
                "pool_base": len(pool),
                "rows": rows,
            }
        )
    return dimensions


def _column(stats) -> dict:
    return {
        "base": stats.base,
        "options": [
            {"code": o.code, "label": o.label, "count": o.count, "share": o.share}
            for o in stats.options
        ],
    }


def _question(stats: QuestionStats, language: str) -> dict:
    question = stats.question
    column_titles = {"all": _("All beneficiaries"), "ukraine": _("Displaced people from Ukraine")}
    return {
        "number": question.number,
        "text": question.label(language),
        "kind": question.kind,
        "two_column": question.two_column,
        "responses": stats.responses,
        "base": stats.base,
        "closed": _column(stats.closed) if stats.closed is not None else None,
        "columns": [
            {"key": key, "title": column_titles.get(key, key), **_column(column)}
            for key, column in stats.columns.items()
        ],
        "rows": [{"code": code, "label": label, **_column(row)} for code, label, row in stats.rows],
        "open_count": len(stats.open_answers),
    }


def _theme_of(item: AgendaItem, theme_keys: list[tuple[str, str]]) -> str | None:
    haystack = normalise_name(" ".join([item.title, item.title_alt, item.description]))
    for theme, key in theme_keys:
        if key and key in haystack:
            return theme
    return None


def report_data(*, consultation_round: ConsultationRound, language: str) -> dict[str, Any]:
    """Everything the report shows, read in a constant number of queries, as plain dicts
    formatted in ``language``."""
    with translation.override(language):
        return _report_data(consultation_round, language)


def _report_data(consultation_round: ConsultationRound, language: str) -> dict[str, Any]:
    round_ = (
        ConsultationRound.objects.filter(pk=consultation_round.pk)
        .prefetch_related(
            Prefetch("facilitators", queryset=User.objects.select_related("contact")),
            "questions",
        )
        .get()
    )
    sessions = list(
        Meeting.objects.filter(consultation_round=round_)
        .exclude(status=enums.MeetingStatus.CANCELLED)
        .select_related("facilitator__contact")
        .order_by("starts_at", "id")
    )
    session_ids = [s.pk for s in sessions]

    draws = {
        d.meeting_id: d
        for d in PanelDraw.objects.filter(meeting_id__in=session_ids, is_current=True)
    }
    invitation_counts: dict[int, Counter] = defaultdict(Counter)
    for row in (
        Invitation.objects.filter(meeting_id__in=session_ids)
        .values("meeting_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        invitation_counts[row["meeting_id"]][row["status"]] = row["n"]
    attendance_counts: dict[int, Counter] = defaultdict(Counter)
    participant_org_ids: set[int] = set()
    for meeting_id, status, org_id in Attendance.objects.filter(
        meeting_id__in=session_ids
    ).values_list("meeting_id", "status", "contact__organisation_id"):
        attendance_counts[meeting_id][status] += 1
        if status == enums.AttendanceStatus.PRESENT:
            participant_org_ids.add(org_id)

    agenda_items = list(
        AgendaItem.objects.filter(meeting_id__in=session_ids)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("number")))
        .order_by("meeting__starts_at", "meeting_id", "position")
    )
    # The minutes used per session: the latest approved version, else the latest version.
    chosen_minutes: dict[int, Minutes] = {}
    for minutes in Minutes.objects.filter(meeting_id__in=session_ids).order_by(
        "meeting_id", "-version"
    ):
        current = chosen_minutes.get(minutes.meeting_id)
        if current is None or (
            minutes.status == enums.MinutesStatus.APPROVED
            and current.status != enums.MinutesStatus.APPROVED
        ):
            chosen_minutes[minutes.meeting_id] = minutes
    minutes_ids = [m.pk for m in chosen_minutes.values()]
    notes = {
        n.agenda_item_id: n.text
        for n in MinutesNote.objects.filter(minutes_id__in=minutes_ids).exclude(text="")
    }
    decisions_by_item: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for d in Decision.objects.filter(minutes_id__in=minutes_ids).order_by("id"):
        decisions_by_item[d.agenda_item_id].append((d.minutes_id, d.text))

    actions = list(
        ActionItem.objects.filter(origin_meeting_id__in=session_ids)
        .select_related("owner_contact")
        .order_by("due_date", "id")
    )
    action_org_ids = {
        a.owner_organisation_id or (a.owner_contact.organisation_id if a.owner_contact else None)
        for a in actions
    } - {None}

    # Everyone the round's records may mention: invitees, attendees, action owners.
    people = list(
        Contact.objects.filter(
            Q(invitations__meeting_id__in=session_ids)
            | Q(attendances__meeting_id__in=session_ids)
            | Q(action_items__origin_meeting_id__in=session_ids)
        )
        .annotate(named=Exists(_named_consent_of_contact()))
        .values_list("name", "organisation_id", "named", "erased_at")
        .distinct()
    )
    organisations = {
        o["pk"]: o
        for o in Organisation.objects.filter(
            pk__in=participant_org_ids | action_org_ids | {p[1] for p in people}
        )
        .annotate(named=Exists(_named_consent()))
        .values("pk", "name", "named", *(d[0] for d in PROFILE_DIMENSIONS))
    }
    redact = _redactor(
        organisations=[o["name"] for o in organisations.values() if not o["named"]],
        # An erased person's name is already their pseudonym, which reports print.
        people=[name for name, _org, named, erased in people if not named and not erased],
    )
    pool = list(pool_organisations().values(*(d[0] for d in PROFILE_DIMENSIONS)))

    # Survey context: the questions the round takes up and those its agenda items link.
    question_ids = {q.pk for q in round_.questions.all()}
    for item in agenda_items:
        question_ids |= {q.pk for q in item.questions.all()}
    questions_by_survey: dict[int, list[int]] = defaultdict(list)
    for q in list(round_.questions.all()) + [q for i in agenda_items for q in i.questions.all()]:
        if q.number not in questions_by_survey[q.survey_id]:
            questions_by_survey[q.survey_id].append(q.number)
    survey_questions: list[dict] = []
    response_count = 0
    for survey_id, numbers in sorted(questions_by_survey.items()):
        survey = Survey(pk=survey_id)
        responses = SurveyResponse.objects.filter(survey_id=survey_id)
        results = survey_results(
            survey=survey, responses=responses, numbers=numbers, language=language
        )
        for stats in results:
            response_count = max(response_count, stats.responses)
            survey_questions.append(_question(stats, language))
    survey_questions.sort(key=lambda q: q["number"])

    # --- assemble ------------------------------------------------------------------------
    missing: list[str] = []
    sessions_data = []
    totals = Counter()
    for session in sessions:
        inv = invitation_counts[session.pk]
        att = attendance_counts[session.pk]
        draw = draws.get(session.pk)
        counts = {
            "invited": sum(inv[s] for s in INVITED_STATUSES),
            "accepted": inv[enums.InvitationStatus.ACCEPTED],
            "declined": inv[enums.InvitationStatus.DECLINED],
            "attended": att[enums.AttendanceStatus.PRESENT],
            "excused": att[enums.AttendanceStatus.EXCUSED],
        }
        totals.update(counts)
        minutes = chosen_minutes.get(session.pk)
        criterion_titles = _criterion_titles()
        zone = _zone(session.timezone)
        sessions_data.append(
            {
                "id": session.pk,
                "title": session.title,
                "date": _date(session.starts_at, zone),
                "time": f"{_time(session.starts_at, zone)}–{_time(session.ends_at, zone)}",
                "format": str(enums.MeetingFormat(session.format).label),
                "language": str(c_enums.WorkingLanguage(session.language).label)
                if session.language in c_enums.WorkingLanguage.values
                else session.language,
                "duration_minutes": session.duration_minutes,
                "facilitator": _user_name(session.facilitator),
                "counts": counts,
                "attendance_recorded": bool(att),
                "minutes_status": minutes.status if minutes else "",
                "minutes_status_label": str(enums.MinutesStatus(minutes.status).label)
                if minutes
                else "",
                "minutes_version": minutes.version if minutes else None,
                "draw": {
                    "pool_size": draw.pool_size,
                    "seats": draw.seats,
                    "seed": draw.seed,
                    "criteria": [
                        criterion_titles.get(str(c), str(c)) for c in (draw.criteria or [])
                    ],
                    "date": _date(draw.created_at),
                }
                if draw
                else None,
            }
        )

    participants = [organisations[pk] for pk in participant_org_ids if pk in organisations]
    named_participants = sorted((o["name"] for o in participants if o["named"]), key=normalise_name)

    def owner_name(action: ActionItem) -> str:
        org_id = action.owner_organisation_id or (
            action.owner_contact.organisation_id if action.owner_contact else None
        )
        org = organisations.get(org_id)
        if org is None:
            return ""
        return org["name"] if org["named"] else _("An organisation not named in reports")

    theme_keys = [(t, normalise_name(t)) for t in (round_.themes or [])]
    session_by_id = {s["id"]: s for s in sessions_data}
    groups: dict[str | None, list[dict]] = {t: [] for t in round_.themes or []}
    groups[None] = []
    for item in agenda_items:
        minutes = chosen_minutes.get(item.meeting_id)
        session = session_by_id[item.meeting_id]
        item_decisions = [
            redact(text)
            for minutes_id, text in decisions_by_item.get(item.pk, [])
            if minutes and minutes_id == minutes.pk
        ]
        groups[_theme_of(item, theme_keys)].append(
            {
                "session": session["title"],
                "session_date": session["date"],
                "title": redact(item.title),
                "purpose": str(enums.AgendaPurpose(item.purpose).label),
                "notes": redact(notes.get(item.pk, "")) if minutes else "",
                "decisions": item_decisions,
                "minutes_status": minutes.status if minutes else "",
                "is_draft": bool(minutes and minutes.status != enums.MinutesStatus.APPROVED),
            }
        )
    themes = [
        {"theme": theme, "key": normalise_name(theme), "items": items}
        for theme, items in groups.items()
        if theme is not None
    ]
    if groups[None]:
        themes.append({"theme": _("Other topics"), "key": "", "items": groups[None]})
    # Decisions recorded without an agenda item.
    loose_decisions = [
        redact(text)
        for minutes in chosen_minutes.values()
        for _m, text in decisions_by_item[None]
        if _m == minutes.pk
    ]

    annex_agendas = []
    for session in sessions_data:
        annex_agendas.append(
            {
                "session": session["title"],
                "date": session["date"],
                "items": [
                    {
                        "position": i.position,
                        "title": redact(i.title),
                        "purpose": str(enums.AgendaPurpose(i.purpose).label),
                        "planned_minutes": i.planned_minutes,
                        "questions": [q.number for q in i.questions.all()],
                    }
                    for i in agenda_items
                    if i.meeting_id == session["id"]
                ],
            }
        )

    if not sessions:
        missing.append(_("The round has no sessions yet."))
    if sessions and not draws:
        missing.append(_("No panel draw is recorded for the sessions."))
    if sessions and not any(s["attendance_recorded"] for s in sessions_data):
        missing.append(_("No attendance is recorded for the sessions."))
    if sessions and not agenda_items:
        missing.append(_("The sessions have no agenda items."))
    if sessions and not chosen_minutes:
        missing.append(_("No minutes are recorded for the sessions."))
    elif any(m.status != enums.MinutesStatus.APPROVED for m in chosen_minutes.values()):
        missing.append(_("Some minutes are not approved yet; their content is marked as draft."))
    if not question_ids:
        missing.append(_("No survey questions are linked to the round or its agenda items."))
    elif not response_count:
        missing.append(_("No survey responses have been imported."))
    if participants and not named_participants:
        missing.append(_("No participating organisation has agreed to be named in reports."))

    return {
        "round": {
            "id": round_.pk,
            "title": round_.title,
            "purpose": round_.purpose,
            "themes": list(round_.themes or []),
            "status": str(c_enums.RoundStatus(round_.status).label),
            "facilitators": sorted(_user_name(u) for u in round_.facilitators.all()),
            "first_date": sessions_data[0]["date"] if sessions_data else "",
            "last_date": sessions_data[-1]["date"] if sessions_data else "",
        },
        "language": language,
        "project_context": project_context(language),
        "generated_at": _date(timezone.now()),
        "sessions": sessions_data,
        "round_draw": _round_draw_data(round_),
        "totals": dict(totals),
        "participants": {
            "count": len(participants),
            "named": named_participants,
            "other_count": len(participants) - len(named_participants),
            "profile": _profile(participants, pool),
            "pool_size": len(pool),
        },
        "survey": {"responses": response_count, "questions": survey_questions},
        "themes": themes,
        "loose_decisions": loose_decisions,
        "actions": [
            {
                "description": redact(a.description),
                "owner": owner_name(a),
                "due_date": _plain_date(a.due_date),
                "status": a.status,
                "status_label": str(enums.ActionStatus(a.status).label),
            }
            for a in actions
        ],
        "annex_agendas": annex_agendas,
        "feedback": _feedback(round_),
        "missing": missing,
    }


def _feedback(round_: ConsultationRound) -> dict:
    """The sessions' anonymous feedback: response rate and per question the counts (the open
    answers are counted, not reproduced: they may name people)."""
    results = round_feedback_results(consultation_round=round_)
    return {
        "asked": results["asked"],
        "answered": results["answered"],
        "rate": results["rate"],
        "questions": [
            {"text": str(q["text"]), "yes": q["yes"], "partly": q["partly"], "no": q["no"]}
            for q in results["questions"]
        ],
        "open_count": len(results["comments"]),
    }


def theme_key(theme: str) -> str:
    return normalise_name(theme)


def _round_draw_data(round_: ConsultationRound) -> dict[str, Any] | None:
    """The method section's account of the round's current joint draw: method, seed and its
    announcement, how to re-run it, and every eligible organisation's selection probability
    (by name only where the organisation agreed to be named in reports)."""
    draw = RoundDraw.objects.filter(consultation_round=round_, is_current=True).first()
    if draw is None:
        return None
    explanation = draw.explanation
    rows = explanation.get("organisations", [])
    named = dict(
        Organisation.objects.filter(pk__in=[o["organisation_id"] for o in rows])
        .annotate(named=Exists(_named_consent()))
        .values_list("pk", "named")
    )
    titles = {s["key"]: s["title"] for s in explanation.get("sessions", [])}
    probabilities = [
        {
            "name": o["name"] if named.get(o["organisation_id"]) else "",
            "session": titles.get(o["session"], ""),
            "probability": o["probability"],
            "percent": None if o["probability"] is None else round(100 * o["probability"], 1),
        }
        for o in rows
    ]
    probabilities.sort(key=lambda r: (r["name"] == "", normalise_name(r["name"])))
    return {
        "method": draw.method,
        "method_label": str(
            _("LEXIMIN (the fairest selection probabilities)")
            if draw.method == "leximin"
            else _("Random weights (faster; probabilities not computed)")
        ),
        "fallback_reason": draw.fallback_reason,
        "seed": draw.seed,
        "seed_commitment": draw.seed_commitment,
        "date": _date(draw.created_at),
        "pool_size": draw.pool_size,
        "eligible": explanation.get("eligible", 0),
        "probability_min": explanation.get("probability_min"),
        "probability_max": explanation.get("probability_max"),
        "rerun": rerun_command(round_ref=round_.slug, seed=draw.seed, method=draw.method),
        "probabilities": probabilities,
        "redraws": RoundDraw.objects.filter(consultation_round=round_, is_current=False).count(),
    }
