"""Panel draws for consultation-round sessions: the pure draw of ``coordination.panels``
turned into a recorded ``PanelDraw`` and drafted (and waitlisted) invitations.

Concurrency: the session's row is locked (``select_for_update``) for the whole draw, the caller
says which draw it saw as current (``replaces_draw_id``) and the database allows one current
draw per session; two facilitators drawing at once get one panel and one clear error."""

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import enums as c_enums
from coordination.models import ConsultationRound
from coordination.panels import (
    CRITERIA,
    METHOD_LEXIMIN,
    Candidate,
    PanelInputError,
    Target,
    alternate_next,
    candidate_to_json,
    panel_draw,
    problem_text,
)
from coordination.selectors import eligible_contacts
from coordination.services import round_status_change
from meetings import enums
from meetings.models import Invitation, Meeting, PanelDraw, RoundDraw
from meetings.selectors.panels import round_draw_preview, volunteer_pool_candidates

# Exclusion reasons (codes stored in the explanation; pages translate them).
REASON_OTHER_SESSION = "other_session"
REASON_DECLINED_TWICE = "declined_twice"
ANSWERED_STATUSES = (
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DECLINED,
    enums.InvitationStatus.DELEGATED,
)
UNSENT_STATUSES = (enums.InvitationStatus.DRAFTED, enums.InvitationStatus.WAITLISTED)
DRAWABLE_ROUND_STATUSES = (c_enums.RoundStatus.DRAFT, c_enums.RoundStatus.PANEL_DRAWN)


def _lock_session(meeting: Meeting) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("consultation_round")
        .get(pk=meeting.pk)
    )
    if locked.consultation_round_id is None:
        raise ValidationError(
            _("Panels are drawn for consultation-round sessions only."), code="not_round"
        )
    return locked


def _exclusions(*, meeting: Meeting, other_sessions: bool, declined_twice: bool) -> dict[int, str]:
    exclusions: dict[int, str] = {}
    if declined_twice:
        answered = (
            Invitation.objects.filter(status__in=ANSWERED_STATUSES)
            .order_by("contact__organisation_id", "-meeting__starts_at", "-pk")
            .values_list("contact__organisation_id", "status")
        )
        last_two: dict[int, list[str]] = {}
        for organisation_id, status in answered:
            statuses = last_two.setdefault(organisation_id, [])
            if len(statuses) < 2:
                statuses.append(status)
        for organisation_id, statuses in last_two.items():
            if statuses == [enums.InvitationStatus.DECLINED] * 2:
                exclusions[organisation_id] = REASON_DECLINED_TWICE
    if other_sessions:
        in_other = (
            Invitation.objects.filter(meeting__consultation_round_id=meeting.consultation_round_id)
            .exclude(meeting=meeting)
            .exclude(status=enums.InvitationStatus.CANCELLED)
            .values_list("contact__organisation_id", flat=True)
        )
        for organisation_id in in_other:
            exclusions[organisation_id] = REASON_OTHER_SESSION
    return exclusions


def panel_draw_for_session(
    *,
    meeting: Meeting,
    seats: int,
    criteria: Sequence[str] = (),
    exclude_other_sessions: bool = True,
    exclude_declined_twice: bool = True,
    max_load: int | None = None,
    must_invite: Sequence[int] = (),
    seed: int | None = None,
    replaces_draw_id: int | None = None,
    user=None,
) -> PanelDraw:
    """Draw (or redraw) the panel of a round session and write its drafted invitations.

    ``replaces_draw_id`` is the current draw the facilitator saw (``None`` for the first draw);
    if another draw happened meanwhile, nothing is written and a ``ValidationError`` says so."""
    if seats < 1:
        raise ValidationError(_("A panel needs at least one seat."), code="seats")
    unknown = [c for c in criteria if c not in CRITERIA]
    if unknown:
        raise ValidationError(
            _("Unknown balance criteria: %(criteria)s."),
            code="criteria",
            params={"criteria": ", ".join(unknown)},
        )
    if seed is None:
        seed = secrets.randbelow(2**62)
    try:
        with transaction.atomic():
            locked = _lock_session(meeting)
            consultation_round = locked.consultation_round
            if consultation_round.status not in DRAWABLE_ROUND_STATUSES:
                raise ValidationError(
                    _("The round is “%(status)s”: its panels can no longer be drawn."),
                    code="round_status",
                    params={"status": consultation_round.get_status_display()},
                )
            if RoundDraw.objects.filter(
                consultation_round_id=locked.consultation_round_id, is_current=True
            ).exists():
                raise ValidationError(
                    _(
                        "The panels of this round are drawn together: redraw them on the "
                        "round's draw page."
                    ),
                    code="round_draw",
                )
            current = PanelDraw.objects.filter(meeting=locked, is_current=True).first()
            if (current.pk if current else None) != replaces_draw_id:
                raise ValidationError(
                    _("Someone else drew this panel meanwhile; reload the page and try again."),
                    code="stale",
                )
            if locked.invitations.went_out().exists():
                raise ValidationError(
                    _("Invitations of this session were already sent: draw no more."),
                    code="already_sent",
                )
            exclusions = _exclusions(
                meeting=locked,
                other_sessions=exclude_other_sessions,
                declined_twice=exclude_declined_twice,
            )
            pool = volunteer_pool_candidates()
            result = panel_draw(
                pool,
                seats=seats,
                criteria=criteria,
                seed=seed,
                exclusions=exclusions,
                must_invite=must_invite,
                max_load=max_load,
            )
            if current is not None:
                PanelDraw.objects.filter(pk=current.pk).update(is_current=False)
            locked.invitations.filter(status__in=UNSENT_STATUSES, panel_draw__isnull=False).delete()
            draw = PanelDraw.objects.create(
                meeting=locked,
                seats=seats,
                criteria=list(criteria),
                exclusions={
                    "other_sessions": exclude_other_sessions,
                    "declined_twice": exclude_declined_twice,
                    "max_load": max_load,
                },
                must_invite=list(must_invite),
                seed=seed,
                pool_size=result.explanation["pool_size"],
                panel=[candidate_to_json(c, criteria) for c in result.panel],
                waitlist=[candidate_to_json(c, criteria) for c in result.waitlist],
                explanation={**result.explanation, "swaps": []},
                created_by=user,
            )
            _write_invitations(draw)
            if consultation_round.status == c_enums.RoundStatus.DRAFT:
                round_status_change(
                    consultation_round=consultation_round, to=c_enums.RoundStatus.PANEL_DRAWN
                )
    except IntegrityError as exc:
        # The one-current-draw constraint caught a concurrent draw the lock did not.
        raise ValidationError(
            _("Someone else drew this panel meanwhile; reload the page and try again."),
            code="stale",
        ) from exc
    return draw


def waitlist_reserve(draw: PanelDraw) -> int:
    """How many waitlisted invitations a draw keeps ready (the rest stays in the draw)."""
    return draw.seats


def _write_invitations(draw: PanelDraw) -> None:
    """Drafted invitations for the panel and waitlisted ones for the first of the waitlist."""
    existing = set(
        Invitation.objects.filter(meeting_id=draw.meeting_id).values_list("contact_id", flat=True)
    )
    rows = [
        Invitation(
            meeting_id=draw.meeting_id,
            contact_id=entry["contact_id"],
            status=enums.InvitationStatus.DRAFTED,
            panel_draw=draw,
        )
        for entry in draw.panel
        if entry["contact_id"] not in existing
    ]
    for position, entry in enumerate(draw.waitlist[: waitlist_reserve(draw)], start=1):
        if entry["contact_id"] in existing:
            continue
        rows.append(
            Invitation(
                meeting_id=draw.meeting_id,
                contact_id=entry["contact_id"],
                status=enums.InvitationStatus.WAITLISTED,
                waitlist_position=position,
                panel_draw=draw,
            )
        )
    Invitation.objects.bulk_create(rows)


def panel_swap(*, draw: PanelDraw, organisation_id: int, user=None) -> dict:
    """Replace one organisation of the current panel, before invitations go out, by the next
    suitable one on the waitlist (same stratum first, else the first still eligible).
    Returns the waitlist entry that took the seat."""
    with transaction.atomic():
        locked = _lock_session(draw.meeting)
        draw = PanelDraw.objects.get(pk=draw.pk)
        if not draw.is_current:
            raise ValidationError(_("Only the current draw can be changed."), code="not_current")
        leaving = next((e for e in draw.panel if e["organisation_id"] == organisation_id), None)
        if leaving is None:
            raise ValidationError(_("This organisation is not on the panel."), code="not_on_panel")
        invitation = locked.invitations.filter(contact_id=leaving["contact_id"]).first()
        if invitation is not None and invitation.status != enums.InvitationStatus.DRAFTED:
            raise ValidationError(
                _("The invitation was already sent: it can no longer be swapped."),
                code="already_sent",
            )
        still_eligible = set(
            eligible_contacts()
            .filter(pk__in=[e["contact_id"] for e in draw.waitlist])
            .values_list("pk", flat=True)
        )
        taken = set(
            locked.invitations.exclude(
                Q(status=enums.InvitationStatus.WAITLISTED)
                | Q(status=enums.InvitationStatus.CANCELLED)
            ).values_list("contact_id", flat=True)
        )
        suitable = [
            e
            for e in draw.waitlist
            if e["contact_id"] in still_eligible and e["contact_id"] not in taken
        ]
        same_stratum = [e for e in suitable if e["stratum"] == leaving["stratum"]]
        if not suitable:
            raise ValidationError(_("The waitlist has no one left to take the seat."), code="empty")
        joining = (same_stratum or suitable)[0]
        if invitation is not None:
            invitation.delete()
        promoted = locked.invitations.filter(contact_id=joining["contact_id"]).first()
        if promoted is None:
            Invitation.objects.create(
                meeting=locked,
                contact_id=joining["contact_id"],
                status=enums.InvitationStatus.DRAFTED,
                panel_draw=draw,
            )
        else:
            promoted.status = enums.InvitationStatus.DRAFTED
            promoted.waitlist_position = None
            promoted.save(update_fields=["status", "waitlist_position", "updated_at"])
        draw.panel = [joining if e is leaving else e for e in draw.panel]
        draw.waitlist = [e for e in draw.waitlist if e is not joining]
        explanation = dict(draw.explanation)
        explanation["swaps"] = [
            *explanation.get("swaps", []),
            {
                "out": leaving,
                "in": joining,
                "same_stratum": bool(same_stratum),
                "by": getattr(user, "pk", None),
            },
        ]
        draw.explanation = _recount_panel(explanation, draw.panel, draw.criteria)
        draw.save(update_fields=["panel", "waitlist", "explanation"])
        _renumber_waitlist(draw)
    return joining


def _renumber_waitlist(draw: PanelDraw) -> None:
    order = {e["contact_id"]: i for i, e in enumerate(draw.waitlist, start=1)}
    waitlisted = Invitation.objects.filter(
        meeting_id=draw.meeting_id, status=enums.InvitationStatus.WAITLISTED, panel_draw=draw
    )
    changed = []
    for invitation in waitlisted:
        position = order.get(invitation.contact_id)
        if position is not None and position != invitation.waitlist_position:
            invitation.waitlist_position = position
            changed.append(invitation)
    Invitation.objects.bulk_update(changed, ["waitlist_position"])


def _recount_panel(explanation: dict, panel: list[dict], criteria: list[str]) -> dict:
    """Panel counts and shares of the explanation after a swap."""
    size = len(panel)
    table = {}
    for index, criterion in enumerate(criteria):
        counts: dict[str, int] = {}
        for entry in panel:
            value = entry["stratum"][index]
            counts[value] = counts.get(value, 0) + 1
        table[criterion] = [
            {
                **row,
                "panel": counts.get(row["value"], 0),
                "panel_share": round(counts.get(row["value"], 0) / size, 4) if size else 0.0,
            }
            for row in explanation.get("table", {}).get(criterion, [])
        ]
    strata_counts: dict[tuple, int] = {}
    for entry in panel:
        key = tuple(entry["stratum"])
        strata_counts[key] = strata_counts.get(key, 0) + 1
    strata = [
        {**row, "panel": strata_counts.get(tuple(row["stratum"]), 0)}
        for row in explanation.get("strata", [])
    ]
    return {**explanation, "table": table, "strata": strata}


# --- The joint draw of a round ----------------------------------------------------------------


def _lock_round(consultation_round: ConsultationRound) -> ConsultationRound:
    return ConsultationRound.objects.select_for_update().get(pk=consultation_round.pk)


def round_draw_record(
    *,
    consultation_round: ConsultationRound,
    targets: Sequence[Target] | None = None,
    seed: int | None = None,
    seed_commitment: str = "",
    must_invite: Sequence[int] = (),
    exclude_declined_twice: bool = True,
    max_load: int | None = None,
    method: str = METHOD_LEXIMIN,
    reason: str = "",
    replaces_draw_id: int | None = None,
    user=None,
) -> RoundDraw:
    """Draw the panels of every session of the round at once and record the draw, with one
    ``PanelDraw`` per session and its drafted and waitlisted (alternate) invitations.

    The round's row is locked for the whole draw and the database keeps one current draw per
    round: two facilitators drawing at once produce one draw, the other gets a clear error.
    ``replaces_draw_id`` is the current draw the facilitator saw; a redraw needs a ``reason``.
    When the targets cannot be met, nothing is written and the error lists why."""
    reason = (reason or "").strip()
    if seed is None:
        seed = secrets.randbelow(2**62)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValidationError(
            {
                "seed": ValidationError(
                    _("The seed must be a whole number between 0 and 2⁶³ − 1."), code="seed"
                )
            }
        )
    try:
        with transaction.atomic():
            locked = _lock_round(consultation_round)
            if locked.status not in DRAWABLE_ROUND_STATUSES:
                raise ValidationError(
                    _("The round is “%(status)s”: its panels can no longer be drawn."),
                    code="round_status",
                    params={"status": locked.get_status_display()},
                )
            current = RoundDraw.objects.filter(consultation_round=locked, is_current=True).first()
            if (current.pk if current else None) != replaces_draw_id:
                raise ValidationError(
                    _("Someone else drew this round meanwhile; reload the page and try again."),
                    code="stale",
                )
            if current is not None and not reason:
                raise ValidationError(
                    {
                        "reason": ValidationError(
                            _("A redraw needs a written reason."), code="reason"
                        )
                    }
                )
            meetings = list(locked.sessions.order_by("starts_at", "pk"))
            if Invitation.objects.filter(meeting__in=meetings).went_out().exists():
                raise ValidationError(
                    _("Invitations of this round were already sent: draw no more."),
                    code="already_sent",
                )
            try:
                result = round_draw_preview(
                    consultation_round=locked,
                    targets=targets,
                    seed=seed,
                    exclude_declined_twice=exclude_declined_twice,
                    max_load=max_load,
                    must_invite=must_invite,
                    method=method,
                )
            except PanelInputError as exc:
                raise ValidationError(exc.message, code=exc.code) from exc
            if not result.feasibility.feasible:
                names = {c.organisation_id: c.name for c in result.eligible}
                raise ValidationError(
                    [
                        ValidationError(problem_text(p, result.sessions, names), code="infeasible")
                        for p in result.feasibility.problems
                    ]
                )
            if current is not None:
                RoundDraw.objects.filter(pk=current.pk).update(is_current=False)
                PanelDraw.objects.filter(meeting__in=meetings, is_current=True).update(
                    is_current=False
                )
            Invitation.objects.filter(
                meeting__in=meetings, status__in=UNSENT_STATUSES, panel_draw__isnull=False
            ).delete()
            explanation = result.explanation()
            draw = RoundDraw.objects.create(
                consultation_round=locked,
                sessions=explanation["sessions"],
                targets=[t.to_json() for t in result.targets],
                must_invite=list(must_invite),
                exclusions={"declined_twice": exclude_declined_twice, "max_load": max_load},
                seed=seed,
                seed_commitment=seed_commitment,
                method=result.method,
                fallback_reason=result.fallback_reason,
                pool_size=result.pool_size,
                explanation=explanation,
                reason=reason,
                replaces=current,
                created_by=user,
            )
            by_pk = {m.pk: m for m in meetings}
            for session in result.sessions:
                panel = result.panels[session.key]
                session_draw = PanelDraw.objects.create(
                    meeting=by_pk[session.key],
                    round_draw=draw,
                    seats=session.seats,
                    criteria=[],
                    exclusions=draw.exclusions,
                    must_invite=list(must_invite),
                    seed=seed,
                    pool_size=result.pool_size,
                    panel=[candidate_to_json(c, ()) for c in panel],
                    waitlist=[candidate_to_json(c, ()) for c in result.alternates[session.key]],
                    explanation={"round_draw": draw.pk, "swaps": [], "replacements": []},
                    created_by=user,
                )
                _write_invitations(session_draw)
            if locked.status == c_enums.RoundStatus.DRAFT:
                round_status_change(consultation_round=locked, to=c_enums.RoundStatus.PANEL_DRAWN)
            consultation_round.status = locked.status
    except IntegrityError as exc:
        raise ValidationError(
            _("Someone else drew this round meanwhile; reload the page and try again."),
            code="stale",
        ) from exc
    return draw


# --- Alternates --------------------------------------------------------------------------------

WHY_DECLINED = "declined"
WHY_REMOVED = "removed"
WHY_NO_ANSWER = "no_answer"
WHY_BY_HAND = "by_hand"
ACTIVE_STATUSES = (
    enums.InvitationStatus.DRAFTED,
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DELEGATED,
)


def _candidate(entry: dict) -> Candidate:
    values = dict(entry.get("values", {}))
    values["working_language"] = tuple(entry.get("languages", ()))
    return Candidate(
        organisation_id=entry["organisation_id"],
        contact_id=entry["contact_id"],
        name=entry.get("name", ""),
        attributes={k: tuple(v) for k, v in values.items()},
        load=entry.get("load", 0),
    )


def alternate_replace(
    *, meeting: Meeting, why: str, leaving: Invitation | None = None, by=None
) -> tuple[bool, Invitation | None]:
    """Give a freed seat of a round session to the next alternate who keeps the round's
    targets met (``coordination.panels.alternate_next``), and record why.

    Returns ``(False, None)`` when the session has no current round draw (the caller keeps
    its own waitlist rule), else ``(True, the new invitation or None if no alternate is left)``.
    When the session's invitations went out, the alternate's invitation is marked sent and the
    caller (``meetings.services.invitations``) sends the message."""
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    session_draw = (
        PanelDraw.objects.filter(meeting=locked, is_current=True, round_draw__is_current=True)
        .select_related("round_draw")
        .first()
    )
    if session_draw is None:
        return False, None
    round_draw = session_draw.round_draw
    entries = {o["organisation_id"]: o for o in round_draw.explanation.get("organisations", [])}
    in_round = Invitation.objects.filter(
        meeting__consultation_round_id=locked.consultation_round_id
    )
    seated: dict[int, list[Candidate]] = {}
    for meeting_id, organisation_id in in_round.filter(status__in=ACTIVE_STATUSES).values_list(
        "meeting_id", "contact__organisation_id"
    ):
        if organisation_id in entries:
            seated.setdefault(meeting_id, []).append(_candidate(entries[organisation_id]))
    used = set(
        in_round.exclude(status=enums.InvitationStatus.WAITLISTED).values_list(
            "contact__organisation_id", flat=True
        )
    )
    still_eligible = set(
        eligible_contacts()
        .filter(pk__in=[e["contact_id"] for e in session_draw.waitlist])
        .values_list("pk", flat=True)
    )
    alternates = [
        _candidate(entries[e["organisation_id"]])
        for e in session_draw.waitlist
        if e["organisation_id"] in entries
        and e["organisation_id"] not in used
        and e["contact_id"] in still_eligible
    ]
    chosen, keeps = alternate_next(
        session=locked.pk,
        panels=seated,
        alternates=alternates,
        targets=[Target.from_json(t) for t in round_draw.targets],
        language=locked.language,
    )
    invitation = None
    if chosen is not None:
        went_out = locked.invitations.went_out().exists()
        invitation = locked.invitations.filter(contact_id=chosen.contact_id).first()
        now = timezone.now()
        if invitation is None:
            invitation = Invitation(
                meeting=locked, contact_id=chosen.contact_id, panel_draw=session_draw
            )
        invitation.waitlist_position = None
        if went_out:
            invitation.status = enums.InvitationStatus.SENT
            invitation.sent_at = now
            invitation.holds_seat = True  # the freed seat is theirs until they answer
        else:
            invitation.status = enums.InvitationStatus.DRAFTED
        invitation.save()
        invitation.meeting = locked
    leaving_entry = None
    if leaving is not None:
        organisation_id = (
            Invitation.objects.filter(pk=leaving.pk)
            .values_list("contact__organisation_id", flat=True)
            .first()
        )
        leaving_entry = {
            "organisation_id": organisation_id,
            "name": entries.get(organisation_id, {}).get("name", ""),
        }
    explanation = dict(session_draw.explanation)
    explanation["replacements"] = [
        *explanation.get("replacements", []),
        {
            "why": why,
            "out": leaving_entry,
            "in": None
            if chosen is None
            else {"organisation_id": chosen.organisation_id, "name": chosen.name},
            "keeps_targets": keeps,
            "at": timezone.now().isoformat(),
            "by": getattr(by, "pk", None),
        },
    ]
    session_draw.explanation = explanation
    session_draw.save(update_fields=["explanation"])
    return True, invitation


def session_answer_deadline_set(*, meeting: Meeting, deadline, by=None) -> Meeting:
    """Set (or clear, with ``None``) the date by which a round session's invitees answer."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        if locked.consultation_round_id is None:
            raise ValidationError(
                _("Answer deadlines are set for consultation-round sessions only."),
                code="not_round",
            )
        if deadline is not None and deadline >= locked.starts_at:
            raise ValidationError(
                {
                    "answer_deadline": ValidationError(
                        _("The answer deadline must come before the session."),
                        code="deadline_after_start",
                    )
                }
            )
        locked.answer_deadline = deadline
        locked.save(update_fields=["answer_deadline", "updated_at"])
    meeting.answer_deadline = deadline
    return meeting
