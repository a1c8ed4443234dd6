"""The balanced panel draw: a pure function over the volunteer pool (no database access).

``panel_draw(pool, seats=..., criteria=..., seed=...)`` returns the panel, an ordered waitlist
and an explanation. A ``meetings`` service turns the result into drafted invitations.

How it chooses:

1. Eligibility: a candidate must have volunteered (Q56) and hold an active consent; at most one
   contact per organisation (the first one given for an organisation is kept).
2. Exclusions (given by the caller, e.g. "already in another session of the round", "declined
   twice in a row") and the consultation-load cap remove candidates, each with its reason.
   A must-invite organisation overrides exclusions (never eligibility).
3. Strata: candidates are grouped by the combination of their values for the balance criteria
   (a multi-valued attribute such as working languages counts as one value, e.g. ``fr+nl``).
   Each stratum's quota is ``seats × stratum size / eligible pool size``; seats are handed out
   one by one to the stratum furthest below its quota, which is the largest-remainder (Hamilton)
   apportionment when nothing else interferes. Must-invite organisations count towards the
   quota of their stratum.
4. Within a stratum, lower consultation load first, then a seeded random order.
5. The rest of the eligible pool forms the waitlist, ordered the same way (the stratum furthest
   below its share of the growing list comes next), so that the first waitlisted candidate of a
   stratum is the natural replacement for a panel member of that stratum.

The same pool, arguments and seed give the same result.
"""

import math
import random
import threading
import time
from bisect import insort
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

CRITERIA = ("working_language", "area", "domain", "support_role", "kind")
NO_VALUE = "-"

# Reasons a candidate is left out (codes; pages translate them).
REASON_NOT_VOLUNTEER = "not_volunteer"
REASON_NO_CONSENT = "no_consent"
REASON_DUPLICATE_ORGANISATION = "duplicate_organisation"
REASON_LOAD_CAP = "load_cap"


@dataclass(frozen=True)
class Candidate:
    """One contact of a volunteering organisation, with the attributes the draw balances on."""

    organisation_id: int
    contact_id: int
    name: str = ""
    attributes: Mapping[str, Sequence[str] | str] = field(default_factory=dict)
    load: int = 0
    volunteered: bool = True
    consent_active: bool = True
    # ``candidate_values`` of each criterion once read: a round's model asks them for every
    # session and target (6,000 organisations × 65 sessions at the mechanism's size).
    _values: dict[str, tuple[str, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def value(self, criterion: str) -> str:
        raw = self.attributes.get(criterion)
        if raw is None or raw == "" or raw == [] or raw == ():
            return NO_VALUE
        if isinstance(raw, str):
            return raw
        return "+".join(sorted(str(v) for v in raw))

    def stratum(self, criteria: Sequence[str]) -> tuple[str, ...]:
        return tuple(self.value(c) for c in criteria)


@dataclass(frozen=True)
class Exclusion:
    organisation_id: int
    name: str
    reason: str


@dataclass
class Panel:
    panel: list[Candidate]
    waitlist: list[Candidate]
    excluded: list[Exclusion]
    explanation: dict[str, Any]
    seed: int


def stratum_label(key: Sequence[str]) -> str:
    return " / ".join(key) if key else "all"


def _quota_pick(
    counts: dict[tuple, int], sizes: dict[tuple, int], total: int, target: int, available, order
) -> tuple | None:
    """The stratum furthest below its quota ``target × size / total`` that still has
    candidates (ties: the seeded order of strata)."""
    best = None
    best_deficit = None
    for key in order:
        if not available(key):
            continue
        # deficit × total, integer arithmetic: target·size − count·total
        deficit = target * sizes[key] - counts[key] * total
        if best_deficit is None or deficit > best_deficit:
            best, best_deficit = key, deficit
    return best


def panel_draw(
    pool: Iterable[Candidate],
    *,
    seats: int,
    criteria: Sequence[str] = (),
    seed: int,
    exclusions: Mapping[int, str] | None = None,
    must_invite: Sequence[int] = (),
    max_load: int | None = None,
) -> Panel:
    """Draw a panel of at most ``seats`` organisations from ``pool`` (see the module doc)."""
    if seats < 1:
        raise ValueError("seats must be at least 1")
    unknown = [c for c in criteria if c not in CRITERIA]
    if unknown:
        raise ValueError(f"unknown criteria: {', '.join(unknown)}")
    criteria = tuple(dict.fromkeys(criteria))
    exclusions = dict(exclusions or {})
    rng = random.Random(seed)

    must_ids = list(dict.fromkeys(must_invite))
    eligible, excluded, pool_size = round_eligible(
        pool, exclusions=exclusions, must_invite=must_ids, max_load=max_load
    )

    by_org = {c.organisation_id: c for c in eligible}
    strata: dict[tuple, list[Candidate]] = {}
    for candidate in eligible:
        strata.setdefault(candidate.stratum(criteria), []).append(candidate)
    # Within a stratum: lower load first, then the seeded random order.
    for key in sorted(strata):
        members = strata[key]
        keys = {c.organisation_id: rng.random() for c in members}
        members.sort(key=lambda c: (c.load, keys[c.organisation_id]))
    strata_order = sorted(strata)
    rng.shuffle(strata_order)

    sizes = {key: len(members) for key, members in strata.items()}
    total = len(eligible)
    counts = dict.fromkeys(strata, 0)
    taken: set[int] = set()
    panel: list[Candidate] = []

    must_placed = [by_org[o] for o in must_ids if o in by_org][:seats]
    for candidate in must_placed:
        panel.append(candidate)
        taken.add(candidate.organisation_id)
        counts[candidate.stratum(criteria)] += 1
    cursors = dict.fromkeys(strata, 0)

    def next_free(key):
        members = strata[key]
        while cursors[key] < len(members) and members[cursors[key]].organisation_id in taken:
            cursors[key] += 1
        return members[cursors[key]] if cursors[key] < len(members) else None

    def available(key) -> bool:
        return next_free(key) is not None

    target = min(seats, total)
    while len(panel) < target:
        key = _quota_pick(counts, sizes, total, target, available, strata_order)
        if key is None:
            break
        candidate = next_free(key)
        panel.append(candidate)
        taken.add(candidate.organisation_id)
        counts[key] += 1

    waitlist: list[Candidate] = []
    wait_counts = dict(counts)
    while len(panel) + len(waitlist) < total:
        grown = len(panel) + len(waitlist) + 1
        key = _quota_pick(wait_counts, sizes, total, grown, available, strata_order)
        if key is None:
            break
        candidate = next_free(key)
        waitlist.append(candidate)
        taken.add(candidate.organisation_id)
        wait_counts[key] += 1

    explanation = _explain(
        eligible=eligible,
        panel=panel,
        criteria=criteria,
        strata=strata,
        seats=seats,
        excluded=excluded,
        must_ids=must_ids,
        by_org=by_org,
        pool_size=pool_size,
    )
    return Panel(
        panel=panel, waitlist=waitlist, excluded=excluded, explanation=explanation, seed=seed
    )


def _shares(values: Iterable[str], base: int) -> dict[str, tuple[int, float]]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return {v: (n, n / base if base else 0.0) for v, n in counts.items()}


def _explain(
    *, eligible, panel, criteria, strata, seats, excluded, must_ids, by_org, pool_size
) -> dict[str, Any]:
    total = len(eligible)
    target = min(seats, total)
    panel_ids = {c.organisation_id for c in panel}
    table = {}
    for criterion in criteria:
        pool_shares = _shares((c.value(criterion) for c in eligible), total)
        panel_shares = _shares((c.value(criterion) for c in panel), len(panel))
        table[criterion] = [
            {
                "value": value,
                "pool": pool_shares[value][0],
                "pool_share": round(pool_shares[value][1], 4),
                "panel": panel_shares.get(value, (0, 0.0))[0],
                "panel_share": round(panel_shares.get(value, (0, 0.0))[1], 4),
            }
            for value in sorted(pool_shares)
        ]
    panel_strata: dict[tuple, int] = {}
    for c in panel:
        key = c.stratum(criteria)
        panel_strata[key] = panel_strata.get(key, 0) + 1
    strata_rows = [
        {
            "stratum": list(key),
            "pool": len(members),
            "quota": round(target * len(members) / total, 4) if total else 0.0,
            "panel": panel_strata.get(key, 0),
        }
        for key, members in sorted(strata.items())
    ]
    return {
        "pool_size": pool_size,
        "eligible": total,
        "seats": seats,
        "filled": len(panel),
        "criteria": list(criteria),
        "table": table,
        "strata": strata_rows,
        "excluded": [
            {"organisation_id": e.organisation_id, "name": e.name, "reason": e.reason}
            for e in excluded
        ],
        "must_invite": [{"organisation_id": o, "placed": o in panel_ids} for o in must_ids],
    }


def candidate_to_json(candidate: Candidate, criteria: Sequence[str]) -> dict[str, Any]:
    return {
        "organisation_id": candidate.organisation_id,
        "contact_id": candidate.contact_id,
        "name": candidate.name,
        "load": candidate.load,
        "stratum": list(candidate.stratum(criteria)),
    }


# --- The joint draw of a round: every session at once, LEXIMIN-fair -------------------------
#
# ``round_draw(pool, sessions=..., targets=..., seed=...)`` draws the panels of all sessions of
# a consultation round together:
#
# * each organisation sits in at most one session, and only in a session whose language is one
#   of its working languages;
# * targets give a minimum and a maximum number of seats per category value (an organisation
#   counts for each of its values: a bilingual one counts for ``fr`` and for ``nl``), per
#   session or for the whole round; every session's seats are filled exactly;
# * must-invite organisations always get a seat, exclusions never;
# * ``round_feasibility`` says first whether the targets can be met and, if not, which target
#   fails, by how many organisations, and the nearest targets that can be met (the smallest
#   total change, found by an elastic integer programme);
# * among all feasible sets of panels, the draw uses the probability distribution that
#   maximises the smallest selection probability, then the second smallest, and so on
#   (LEXIMIN; Flanigan, Gölz, Gupta, Hennig and Procaccia, Nature 596, 548–552, 2021). It is
#   computed by column generation: a linear programme over a growing set of feasible round
#   panels, and an integer programme (HiGHS) that finds the feasible round panel of largest
#   dual weight; the organisations whose probability is tight are fixed level by level.
# * the panels are then sampled from that distribution with ``random.Random(seed)``: the same
#   pool, targets and seed give the same panels;
# * when the pool is larger than ``exact_pool_limit`` or the time budget runs out, the draw
#   falls back to ``METHOD_RANDOM_WEIGHTS``: one feasible round panel of largest total random
#   weight (weights drawn from the seed). Every organisation that can sit has a chance, the
#   targets are met, but the probabilities are not computed. The result says which method ran.
#
# After the panels, each session gets an ordered list of alternates (the other eligible
# organisations speaking its language, in a seeded random order); ``alternate_next`` picks the
# first alternate whose seat keeps the targets met.

METHOD_LEXIMIN = "leximin"
METHOD_RANDOM_WEIGHTS = "random_weights"
METHODS = (METHOD_LEXIMIN, METHOD_RANDOM_WEIGHTS)
ROUND_CRITERIA = ("working_language", "area", "domain", "kind")
EXACT_POOL_LIMIT = 1000
TIME_BUDGET_SECONDS = 15.0
_EPS = 1e-6
CHEAP_COLUMNS = 24  # panels improved by swaps per round of column generation


class PanelInputError(ValueError):
    """Targets, sessions or seeds that cannot make a draw (the message is for people)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


_highs_greeted = False
_highs_greeting = threading.Lock()


def _new_highs():
    """A silent HiGHS instance (the library greets once per process on standard output,
    which would end up in the command's output: that first greeting goes to /dev/null).
    The lock keeps a second thread from saving the silenced output as the one to restore."""
    global _highs_greeted
    import highspy

    if not _highs_greeted:
        with _highs_greeting:
            if not _highs_greeted:
                import os
                import sys

                sys.stdout.flush()
                saved = os.dup(1)
                try:
                    with open(os.devnull, "w") as devnull:
                        os.dup2(devnull.fileno(), 1)
                        highspy.Highs()
                finally:
                    os.dup2(saved, 1)
                    os.close(saved)
                _highs_greeted = True
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    return h


def _rowwise_lp(
    *, cost, col_lower, col_upper, row_lower, row_upper, start, index, value, maximise=False
):
    """A HiGHS linear programme from its columns' costs and bounds and its rows given
    row-wise (``start``/``index``/``value``, as a CSR matrix)."""
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = np.array(cost, dtype=float)
    lp.col_lower_ = np.array(col_lower, dtype=float)
    lp.col_upper_ = np.array(col_upper, dtype=float)
    lp.row_lower_ = np.array(row_lower, dtype=float)
    lp.row_upper_ = np.array(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    if maximise:
        lp.sense_ = highspy.ObjSense.kMaximize
    return lp


class LeximinTooSlow(Exception):
    """The exact computation went past its time budget."""


@dataclass(frozen=True)
class Session:
    """A session of the round: its key (the meeting id), language and number of seats."""

    key: int
    language: str
    seats: int
    title: str = ""


@dataclass(frozen=True)
class Target:
    """At least ``minimum`` and at most ``maximum`` seats for organisations with ``value`` for
    ``criterion``, in one session (``session`` = its key) or in the round (``None``)."""

    criterion: str
    value: str
    minimum: int
    maximum: int
    session: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "value": self.value,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "session": self.session,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Target":
        return cls(
            criterion=str(data["criterion"]),
            value=str(data["value"]),
            minimum=int(data["minimum"]),
            maximum=int(data["maximum"]),
            session=None if data.get("session") in (None, "") else int(data["session"]),
        )


def candidate_values(candidate: Candidate, criterion: str) -> tuple[str, ...]:
    """The values an organisation has for a criterion, each counted on its own."""
    values = candidate._values.get(criterion)
    if values is None:
        raw = candidate.attributes.get(criterion)
        if raw is None or raw == "" or raw == [] or raw == ():
            values = (NO_VALUE,)
        elif isinstance(raw, str):
            values = (raw,)
        else:
            values = tuple(sorted({str(v) for v in raw})) or (NO_VALUE,)
        candidate._values[criterion] = values
    return values


def speaks(candidate: Candidate, language: str) -> bool:
    return language in candidate_values(candidate, "working_language")


@dataclass(frozen=True)
class TargetProblem:
    """A target (or a session's seats) that cannot be met, and by how many organisations."""

    kind: str  # "minimum", "maximum", "seats", "must_invite"
    shortfall: int
    target: Target | None = None
    session: int | None = None
    organisation_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "shortfall": self.shortfall,
            "target": self.target.to_json() if self.target else None,
            "session": self.session,
            "organisation_id": self.organisation_id,
        }


@dataclass
class Feasibility:
    feasible: bool
    problems: list[TargetProblem]
    suggested_targets: list[Target]
    suggested_seats: dict[int, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "problems": [p.to_json() for p in self.problems],
            "suggested_targets": [t.to_json() for t in self.suggested_targets],
            "suggested_seats": {str(k): v for k, v in self.suggested_seats.items()},
        }


@dataclass
class Distribution:
    """Feasible round panels (each a tuple of (organisation, session) pairs) and their
    probabilities; ``probabilities`` per organisation (``None`` when not computed)."""

    method: str
    panels: list[tuple[float, tuple[tuple[int, int], ...]]]
    probabilities: dict[int, float] | None
    seconds: float
    fallback_reason: str = ""


@dataclass
class RoundPanels:
    seed: int
    method: str
    fallback_reason: str
    sessions: list[Session]
    targets: list[Target]
    panels: dict[int, list[Candidate]]
    alternates: dict[int, list[Candidate]]
    probabilities: dict[int, float] | None
    feasibility: Feasibility
    excluded: list[Exclusion]
    eligible: list[Candidate]
    seconds: float
    pool_size: int

    def explanation(self) -> dict[str, Any]:
        return round_explanation(self)


def round_eligible(
    pool: Iterable[Candidate],
    *,
    exclusions: Mapping[int, str] | None = None,
    must_invite: Sequence[int] = (),
    max_load: int | None = None,
) -> tuple[list[Candidate], list[Exclusion], int]:
    """Eligible organisations (one contact each, ordered by organisation), the excluded ones
    with their reason, and the size of the pool (the per-session and the round draw alike)."""
    exclusions = dict(exclusions or {})
    must_set = set(must_invite)
    excluded: list[Exclusion] = []
    seen: set[int] = set()
    eligible: list[Candidate] = []
    ordered_pool = sorted(pool, key=lambda c: (c.organisation_id, c.contact_id))
    for candidate in ordered_pool:
        org = candidate.organisation_id
        if org in seen:
            continue
        if not candidate.volunteered:
            excluded.append(Exclusion(org, candidate.name, REASON_NOT_VOLUNTEER))
            seen.add(org)
            continue
        if not candidate.consent_active:
            continue
        seen.add(org)
        if org not in must_set:
            if org in exclusions:
                excluded.append(Exclusion(org, candidate.name, exclusions[org]))
                continue
            if max_load is not None and candidate.load > max_load:
                excluded.append(Exclusion(org, candidate.name, REASON_LOAD_CAP))
                continue
        eligible.append(candidate)
    no_consent = {
        c.organisation_id: c.name
        for c in ordered_pool
        if c.organisation_id not in seen and not c.consent_active
    }
    excluded += [Exclusion(org, name, REASON_NO_CONSENT) for org, name in no_consent.items()]
    return eligible, excluded, len(seen) + len(no_consent)


def default_targets(
    eligible: Sequence[Candidate],
    sessions: Sequence[Session],
    criteria: Sequence[str] = ROUND_CRITERIA,
    *,
    feasible: bool = True,
) -> list[Target]:
    """Round targets proportional to the pool: for each value of each criterion, within one
    seat of its share of the round's seats (``seats × organisations with the value / pool``).
    Working languages get no target: the sessions' languages already decide them. With
    ``feasible``, targets that cannot all be met together are widened to the nearest ones
    that can (``round_feasibility``'s suggestion)."""
    total_seats = sum(s.seats for s in sessions)
    size = len(eligible)
    targets = []
    if not size:
        return targets
    for criterion in criteria:
        if criterion == "working_language":
            continue
        counts = Counter(v for c in eligible for v in candidate_values(c, criterion))
        for value in sorted(counts):
            if value == NO_VALUE:
                continue
            share = total_seats * counts[value] / size
            targets.append(
                Target(
                    criterion=criterion,
                    value=value,
                    minimum=max(0, math.floor(share) - 1),
                    maximum=min(total_seats, math.ceil(share) + 1),
                )
            )
    if feasible and targets:
        try:
            check = round_feasibility(eligible, sessions=sessions, targets=targets)
        except PanelInputError:
            return targets
        if not check.feasible:
            return check.suggested_targets
    return targets


def validate_round_input(sessions: Sequence[Session], targets: Sequence[Target]) -> None:
    """Contradictions that need no solver: a clear message, code and nothing drawn."""
    if not sessions:
        raise PanelInputError(_("The round has no session to draw for."), code="no_session")
    keys = {s.key for s in sessions}
    for session in sessions:
        if not session.language:
            raise PanelInputError(
                _("The session “%(session)s” has no language.") % {"session": session.title},
                code="session_language",
            )
        if session.seats < 1:
            raise PanelInputError(
                _("The session “%(session)s” needs at least one seat.")
                % {"session": session.title},
                code="seats",
            )
    for target in targets:
        if target.criterion not in CRITERIA:
            raise PanelInputError(
                _("Unknown category: %(criterion)s.") % {"criterion": target.criterion},
                code="criteria",
            )
        if target.session is not None and target.session not in keys:
            raise PanelInputError(
                _("A target names a session that is not in the round."), code="target_session"
            )
        if target.minimum < 0 or target.maximum < 0:
            raise PanelInputError(_("Targets cannot be negative."), code="target_negative")
        if target.minimum > target.maximum:
            raise PanelInputError(
                _(
                    "The target for %(value)s has a minimum (%(minimum)s) above its maximum "
                    "(%(maximum)s)."
                )
                % {"value": target.value, "minimum": target.minimum, "maximum": target.maximum},
                code="target_min_above_max",
            )
        seats = (
            sum(s.seats for s in sessions)
            if target.session is None
            else next(s.seats for s in sessions if s.key == target.session)
        )
        if target.minimum > seats:
            raise PanelInputError(
                _(
                    "The minimum for %(value)s (%(minimum)s) is above the number of seats it "
                    "applies to (%(seats)s)."
                )
                % {"value": target.value, "minimum": target.minimum, "seats": seats},
                code="target_above_seats",
            )


# --- The integer programme of feasible round panels ---


class _Model:
    """Binary x[i, s] (organisation i sits in session s) for the pairs where the languages
    match, the session seats, one session per organisation, must-invite and the targets."""

    def __init__(self, eligible, sessions, targets, must_invite):
        self.orgs = [c.organisation_id for c in eligible]
        self.by_org = {c.organisation_id: c for c in eligible}
        self.sessions = list(sessions)
        self.targets = list(targets)
        self.must = [o for o in dict.fromkeys(must_invite) if o in self.by_org]
        # The sessions each set of languages may sit in, found once per set (organisations
        # share a handful of sets); the pairs in the order of the organisations, then of the
        # sessions, as a draw's seed expects.
        sessions_speaking: dict[tuple[str, ...], list[int]] = {}
        self.pairs: list[tuple[int, int]] = []
        for c in eligible:
            languages = candidate_values(c, "working_language")
            keys = sessions_speaking.get(languages)
            if keys is None:
                keys = [s.key for s in self.sessions if s.language in languages]
                sessions_speaking[languages] = keys
            self.pairs.extend((c.organisation_id, key) for key in keys)
        self.pair_index = {pair: n for n, pair in enumerate(self.pairs)}
        # rows: (indices, lower, upper, label)
        self.rows: list[tuple[list[int], float, float, tuple]] = []
        by_session: dict[int, list[int]] = {s.key: [] for s in self.sessions}
        for n, (_o, k) in enumerate(self.pairs):
            by_session[k].append(n)
        for s in self.sessions:
            self.rows.append((list(by_session[s.key]), s.seats, s.seats, ("seats", s.key)))
        by_org: dict[int, list[int]] = {}
        for n, (o, _k) in enumerate(self.pairs):
            by_org.setdefault(o, []).append(n)
        self.org_pairs = by_org
        must_set = set(self.must)
        for o in self.orgs:
            idx = by_org.get(o, [])
            if idx:
                lower = 1 if o in must_set else 0
                self.rows.append((idx, lower, 1, ("org", o)))
        for t_index, t in enumerate(self.targets):
            idx = [
                n
                for n, (o, k) in enumerate(self.pairs)
                if (t.session is None or t.session == k)
                and t.value in candidate_values(self.by_org[o], t.criterion)
            ]
            self.rows.append((idx, t.minimum, t.maximum, ("target", t_index)))

    def highs(self, *, costs, elastic: bool = False, integer: bool = True):
        """A HiGHS instance of the model (maximising ``costs`` over the pairs). With
        ``elastic``, every row may be violated at a cost (minimised first)."""
        import highspy

        h = _new_highs()
        n = len(self.pairs)
        col_cost = list(costs)
        col_lower = [0.0] * n
        col_upper = [1.0] * n
        row_lower, row_upper, start, index, value = [], [], [0], [], []
        slack_labels = []
        extra_cols: list[tuple[int, float]] = []  # (row, coefficient) per slack column
        for r, (idx, lower, upper, label) in enumerate(self.rows):
            row_lower.append(float(lower))
            row_upper.append(float(upper))
            index.extend(idx)
            value.extend([1.0] * len(idx))
            if elastic:
                # below the lower bound: + under; above the upper bound: − over
                if lower > 0:
                    extra_cols.append((r, 1.0))
                    slack_labels.append(("under", label))
                if label[0] == "target" and upper < len(idx):
                    extra_cols.append((r, -1.0))
                    slack_labels.append(("over", label))
            start.append(len(index))
        num_col = n + len(extra_cols)
        # the slack columns are added to the rows: rebuild row-wise with them appended
        if extra_cols:
            per_row: dict[int, list[tuple[int, float]]] = {}
            for c, (r, coefficient) in enumerate(extra_cols):
                per_row.setdefault(r, []).append((n + c, coefficient))
            start, index2, value2 = [0], [], []
            for r, (idx, _lower, _upper, _label) in enumerate(self.rows):
                index2.extend(idx)
                value2.extend([1.0] * len(idx))
                for col, coefficient in per_row.get(r, []):
                    index2.append(col)
                    value2.append(coefficient)
                start.append(len(index2))
            index, value = index2, value2
            # slacks cost far more than any pair can bring: violations are minimised first
            # (an empty seat costs twice a target moved by one: targets give way first)
            penalty = 1.0 + sum(abs(c) for c in col_cost)
            col_cost = list(col_cost) + [
                -penalty * (1.0 if slack_labels[c][1][0] == "target" else 2.0)
                for c in range(len(extra_cols))
            ]
            col_lower += [0.0] * len(extra_cols)
            col_upper += [highspy.kHighsInf] * len(extra_cols)
        lp = _rowwise_lp(
            cost=col_cost,
            col_lower=col_lower,
            col_upper=col_upper,
            row_lower=row_lower,
            row_upper=row_upper,
            start=start,
            index=index,
            value=value,
            maximise=True,
        )
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * num_col
        h.passModel(lp)
        return h, slack_labels

    def target_masks(self) -> dict[tuple[int, int], int]:
        """For each (organisation, session) pair, the targets its seat counts for, as a bit
        mask (bit t for target t)."""
        masks: dict[tuple[int, int], int] = dict.fromkeys(self.pairs, 0)
        for t_index, t in enumerate(self.targets):
            for o, k in self.pairs:
                if (t.session is None or t.session == k) and t.value in candidate_values(
                    self.by_org[o], t.criterion
                ):
                    masks[(o, k)] |= 1 << t_index
        return masks

    def improve(self, panel, weights, masks, *, tries: int = 400):
        """A better panel by single swaps (one organisation out of a session, one in) that
        keep every target met; the cheap search tried before the integer programme.

        Organisations outside the panel are taken by decreasing weight; each replaces the
        lightest member of a session it can sit in whose swap keeps every target within its
        bounds. As every seat counts 0 or 1 for a target, a swap breaks a target only when
        it adds a seat to a target already at its maximum or takes one from a target at its
        minimum: two bit-mask tests per member tried."""
        must = set(self.must)
        targets = self.targets
        counts = [0] * len(targets)
        for pair in panel:
            mask = masks[pair]
            t = 0
            while mask:
                if mask & 1:
                    counts[t] += 1
                mask >>= 1
                t += 1

        def bounds_masks() -> tuple[int, int]:
            at_max = at_min = 0
            for t, target in enumerate(targets):
                if counts[t] >= target.maximum:
                    at_max |= 1 << t
                if counts[t] <= target.minimum:
                    at_min |= 1 << t
            return at_max, at_min

        # per session, the members that may leave, lightest first (ties in panel order)
        by_session: dict[int, list[tuple[float, int, int]]] = {}
        seated = set()
        for order, (o, k) in enumerate(panel):
            seated.add(o)
            if o not in must:
                by_session.setdefault(k, []).append((weights.get(o, 0.0), order, o))
        for members in by_session.values():
            members.sort()
        outside = sorted(
            (o for o in self.orgs if o not in seated and self.org_pairs.get(o)),
            key=lambda o: -weights.get(o, 0.0),
        )
        session_keys = [s.key for s in self.sessions]
        at_max, at_min = bounds_masks()
        next_order = len(panel)
        changed = False
        for o_in in outside[:tries]:
            w_in = weights.get(o_in, 0.0)
            best = None  # (gain, session, position in the session's list)
            for k in session_keys:
                mask_in = masks.get((o_in, k))
                if mask_in is None:
                    continue
                for position_, (w_out, _order, o_out) in enumerate(by_session.get(k, ())):
                    gain = w_in - w_out
                    if gain <= _EPS or (best is not None and gain <= best[0]):
                        break
                    mask_out = masks[(o_out, k)]
                    if mask_in & ~mask_out & at_max or mask_out & ~mask_in & at_min:
                        continue
                    best = (gain, k, position_)
                    break
            if best is None:
                continue
            _gain, k, position_ = best
            _w_out, _order, o_out = by_session[k].pop(position_)
            mask_out, mask_in = masks[(o_out, k)], masks[(o_in, k)]
            for t in range(len(targets)):
                bit = 1 << t
                counts[t] += bool(mask_in & bit) - bool(mask_out & bit)
            at_max, at_min = bounds_masks()
            insort(by_session[k], (w_in, next_order, o_in))
            next_order += 1
            changed = True
        if not changed:
            return None
        members = [(o, k) for k, entries in by_session.items() for _w, _n, o in entries]
        members += [(o, k) for o, k in panel if o in must]
        return tuple(sorted(members))

    def solve(self, h) -> tuple[tuple[int, int], ...] | None:
        import highspy

        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        values = h.getSolution().col_value
        return tuple(sorted(self.pairs[n] for n in range(len(self.pairs)) if values[n] > 0.5))


def round_feasibility(
    eligible: Sequence[Candidate],
    *,
    sessions: Sequence[Session],
    targets: Sequence[Target],
    must_invite: Sequence[int] = (),
) -> Feasibility:
    """Whether the sessions can be filled within the targets; if not, the violated rows of
    the nearest feasible plan (smallest total change) and the targets it suggests."""
    validate_round_input(sessions, targets)
    model = _Model(eligible, sessions, targets, must_invite)
    problems: list[TargetProblem] = []
    by_org = {c.organisation_id for c in eligible}
    for organisation_id in dict.fromkeys(must_invite):
        if organisation_id in by_org and not model.org_pairs.get(organisation_id):
            problems.append(
                TargetProblem(kind="must_invite", shortfall=1, organisation_id=organisation_id)
            )
    if not model.pairs:
        problems += [
            TargetProblem(kind="seats", shortfall=s.seats, session=s.key) for s in sessions
        ]
        return Feasibility(False, problems, [], {s.key: 0 for s in sessions})
    h, slack_labels = model.highs(costs=[0.0] * len(model.pairs), elastic=True)
    h.run()
    values = h.getSolution().col_value
    n = len(model.pairs)
    suggested = dict(enumerate(targets))
    seats = {s.key: s.seats for s in sessions}
    for c, (direction, label) in enumerate(slack_labels):
        amount = round(values[n + c])
        if amount <= 0:
            continue
        kind, ref = label
        if kind == "seats":
            problems.append(TargetProblem(kind="seats", shortfall=amount, session=ref))
            seats[ref] -= amount
        elif kind == "org":
            problems.append(TargetProblem(kind="must_invite", shortfall=1, organisation_id=ref))
        else:
            t = targets[ref]
            problems.append(
                TargetProblem(
                    kind="minimum" if direction == "under" else "maximum",
                    shortfall=amount,
                    target=t,
                    session=t.session,
                )
            )
            old = suggested[ref]
            suggested[ref] = Target(
                criterion=old.criterion,
                value=old.value,
                minimum=old.minimum - amount if direction == "under" else old.minimum,
                maximum=old.maximum + amount if direction == "over" else old.maximum,
                session=old.session,
            )
    return Feasibility(
        feasible=not problems,
        problems=problems,
        suggested_targets=[suggested[i] for i in range(len(targets))],
        suggested_seats=seats,
    )


def _as_distribution(
    panels: Sequence, weights: Sequence[float], orgs: Sequence[int]
) -> tuple[list, dict[int, float]]:
    """The panels with positive weight as a distribution (weights normalised, panels in a
    stable order), and each organisation's probability."""
    total = sum(weights) or 1.0
    distribution = sorted(
        ((w / total, panel) for w, panel in zip(weights, panels, strict=True) if w > 1e-9),
        key=lambda item: item[1],
    )
    total = sum(w for w, _p in distribution) or 1.0
    distribution = [(w / total, p) for w, p in distribution]
    probabilities = dict.fromkeys(orgs, 0.0)
    for w, panel in distribution:
        for o, _k in panel:
            probabilities[o] += w
    return distribution, {o: round(p, 6) for o, p in probabilities.items()}


def _leximin(model: _Model, *, deadline: float) -> tuple[list, dict[int, float]]:
    """The LEXIMIN distribution over feasible round panels (column generation)."""
    import highspy
    import numpy as np

    orgs = model.orgs
    position = {o: i for i, o in enumerate(orgs)}
    oracle, _labels = model.highs(costs=[0.0] * len(model.pairs))
    columns: list[tuple[tuple[int, int], ...]] = []
    seen_columns: set = set()

    masks = model.target_masks()

    def weight_of(panel, weights):
        return sum(weights.get(o, 0.0) for o, _k in panel)

    def price_cheaply(weights: dict[int, float], mu: float) -> list:
        """New panels above μ found by swaps from the best known ones (several per round:
        fewer linear programmes to solve)."""
        found = []
        ranked = sorted(columns, key=lambda p: -weight_of(p, weights))[:CHEAP_COLUMNS]
        for start in ranked:
            better = model.improve(start, weights, masks)
            if (
                better is not None
                and better not in seen_columns
                and better not in found
                and weight_of(better, weights) > mu + _EPS
            ):
                found.append(better)
        return found

    def price(weights: dict[int, float]):
        costs = np.array([weights.get(o, 0.0) for o, _k in model.pairs], dtype=float)
        oracle.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), costs)
        panel = model.solve(oracle)
        if panel is None:
            return None, 0.0
        return panel, sum(weights.get(o, 0.0) for o, _k in panel)

    def add(panel):
        if panel is not None and panel not in seen_columns:
            seen_columns.add(panel)
            columns.append(panel)
            return True
        return False

    # Cover: panels that seat every organisation that can sit at all.
    uncovered = set(orgs)
    while uncovered:
        if time.monotonic() > deadline:
            raise LeximinTooSlow
        panel, value = price(dict.fromkeys(uncovered, 1.0))
        if panel is None:
            return [], {}
        covered = {o for o, _k in panel} & uncovered
        add(panel)
        if not covered:
            break
        uncovered -= covered
    fixed: dict[int, float] = dict.fromkeys(uncovered, 0.0)  # never in a feasible panel

    n_org = len(orgs)
    total_seats = sum(s.seats for s in model.sessions)

    def dual_row(panel):
        members = sorted({position[o] for o, _k in panel})
        return [*members, n_org], [1.0] * len(members) + [-1.0]

    last_stage: tuple[list, list[float]] | None = None  # its panels and their weights
    while len(fixed) < len(orgs):
        free = [o for o in orgs if o not in fixed]
        # Dual: min μ − Σ_F f_i w_i  s.t.  Σ_U y_i = 1,  Σ_{i∈P} (y|w)_i − μ ≤ 0 ∀P.
        # Columns of the dual LP: one weight per organisation (y or w), then μ; one row per
        # known panel, added as the oracle finds them (HiGHS starts from the last basis).
        h = _new_highs()
        h.setOptionValue("presolve", "off")
        cost = [(-fixed[o] if o in fixed else 0.0) for o in orgs] + [1.0]
        lower = [0.0] * n_org + [-highspy.kHighsInf]
        upper = [highspy.kHighsInf] * (n_org + 1)
        start, index, value = [0], [position[o] for o in free], [1.0] * len(free)
        start.append(len(index))
        row_lower, row_upper = [1.0], [1.0]
        for panel in columns:
            idx, val = dual_row(panel)
            index.extend(idx)
            value.extend(val)
            start.append(len(index))
            row_lower.append(-highspy.kHighsInf)
            row_upper.append(0.0)
        h.passModel(
            _rowwise_lp(
                cost=cost,
                col_lower=lower,
                col_upper=upper,
                row_lower=row_lower,
                row_upper=row_upper,
                start=start,
                index=index,
                value=value,
            )
        )
        stage_panels = list(columns)  # row r + 1 of the programme is stage_panels[r]
        while True:
            if time.monotonic() > deadline:
                raise LeximinTooSlow
            h.run()
            result = h.getSolution()
            solution = list(result.col_value)
            weights = {o: max(0.0, solution[position[o]]) for o in orgs}
            mu = solution[n_org]
            new_panels = price_cheaply(weights, mu)
            if not new_panels:
                panel, panel_value = price(weights)
                if panel is not None and panel_value > mu + _EPS:
                    new_panels = [panel]
            added = False
            for panel in new_panels:
                if add(panel):
                    stage_panels.append(panel)
                    idx, val = dual_row(panel)
                    h.addRow(
                        -highspy.kHighsInf,
                        0.0,
                        len(idx),
                        np.array(idx, dtype=np.int32),
                        np.array(val, dtype=float),
                    )
                    added = True
            if added:
                continue
            level = mu - sum(fixed[o] * weights[o] for o in fixed)
            tight = [o for o in free if weights[o] > _EPS] or free
            # Every panel fills the same number of seats: when the level times the free
            # organisations uses up the seats the fixed ones leave, all of them are tight.
            seats_left = total_seats - sum(fixed.values())
            if abs(level * len(free) - seats_left) <= 1e-6 * max(1.0, seats_left):
                tight = free
            for o in tight:
                fixed[o] = max(0.0, level)
            # The duals of the panel rows are a distribution that gives every organisation
            # at least its level (LP duality): after the last stage, the answer itself.
            last_stage = (stage_panels, [abs(v) for v in result.row_dual[1:]])
            break

    if last_stage is not None:
        distribution, probabilities = _as_distribution(*last_stage, orgs)
        if all(probabilities[o] >= level - 1e-6 for o, level in fixed.items()):
            return distribution, probabilities

    # Else (numerically too loose): a distribution over the columns giving each
    # organisation its fixed level, by a linear programme of its own.
    h = _new_highs()
    n_col = len(columns)
    member_rows: dict[int, list[int]] = {o: [] for o in orgs}
    for c, panel in enumerate(columns):
        for o in {o for o, _k in panel}:
            member_rows[o].append(c)
    start, index, value = [0], list(range(n_col)), [1.0] * n_col
    start.append(len(index))
    row_lower, row_upper = [1.0], [1.0]
    for o in orgs:
        index.extend(member_rows[o])
        value.extend([1.0] * len(member_rows[o]))
        start.append(len(index))
        row_lower.append(max(0.0, fixed[o] - 1e-7))
        row_upper.append(highspy.kHighsInf)
    lp = _rowwise_lp(
        cost=[0.0] * n_col,
        col_lower=[0.0] * n_col,
        col_upper=[1.0] * n_col,
        row_lower=row_lower,
        row_upper=row_upper,
        start=start,
        index=index,
        value=value,
    )
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        # numerical slack: the levels a hair lower
        lp.row_lower_ = np.array([1.0] + [max(0.0, fixed[o] - 1e-5) for o in orgs])
        h.passModel(lp)
        h.run()
    weights = [max(0.0, w) for w in h.getSolution().col_value]
    return _as_distribution(columns, weights, orgs)


def round_distribution(
    eligible: Sequence[Candidate],
    *,
    sessions: Sequence[Session],
    targets: Sequence[Target],
    must_invite: Sequence[int] = (),
    seed: int = 0,
    method: str = METHOD_LEXIMIN,
    exact_pool_limit: int = EXACT_POOL_LIMIT,
    time_budget: float = TIME_BUDGET_SECONDS,
) -> Distribution:
    """The distribution the panels are sampled from (see the section's comment)."""
    if method not in METHODS:
        raise PanelInputError(_("Unknown draw method."), code="method")
    started = time.monotonic()
    model = _Model(eligible, sessions, targets, must_invite)
    reason = ""
    if method == METHOD_LEXIMIN:
        if len(eligible) > exact_pool_limit:
            reason = "pool_size"
        else:
            try:
                panels, probabilities = _leximin(model, deadline=started + time_budget)
                return Distribution(
                    METHOD_LEXIMIN, panels, probabilities, time.monotonic() - started
                )
            except LeximinTooSlow:
                reason = "time_budget"
    rng = random.Random(seed)
    weights = {o: rng.random() for o in model.orgs}
    h, _labels = model.highs(costs=[weights[o] for o, _k in model.pairs])
    panel = model.solve(h)
    panels = [(1.0, panel)] if panel is not None else []
    return Distribution(
        METHOD_RANDOM_WEIGHTS, panels, None, time.monotonic() - started, fallback_reason=reason
    )


def round_sample(distribution: Distribution, seed: int) -> tuple[tuple[int, int], ...]:
    """One round panel drawn from the distribution with ``random.Random(seed)``."""
    if not distribution.panels:
        return ()
    point = random.Random(seed).random()
    cumulative = 0.0
    for weight, panel in distribution.panels:
        cumulative += weight
        if point < cumulative:
            return panel
    return distribution.panels[-1][1]


def round_draw(
    pool: Iterable[Candidate],
    *,
    sessions: Sequence[Session],
    targets: Sequence[Target],
    seed: int,
    exclusions: Mapping[int, str] | None = None,
    must_invite: Sequence[int] = (),
    max_load: int | None = None,
    method: str = METHOD_LEXIMIN,
    exact_pool_limit: int = EXACT_POOL_LIMIT,
    time_budget: float = TIME_BUDGET_SECONDS,
) -> RoundPanels:
    """Draw the panels of every session of a round (see the section's comment). When the
    targets cannot be met nothing is drawn: ``feasibility.feasible`` is false and the panels
    are empty."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise PanelInputError(_("The seed must be a whole number."), code="seed")
    validate_round_input(sessions, targets)
    eligible, excluded, pool_size = round_eligible(
        pool, exclusions=exclusions, must_invite=must_invite, max_load=max_load
    )
    must = [o for o in dict.fromkeys(must_invite) if o in {c.organisation_id for c in eligible}]
    feasibility = round_feasibility(eligible, sessions=sessions, targets=targets, must_invite=must)
    empty = {s.key: [] for s in sessions}
    result = RoundPanels(
        seed=seed,
        method=method,
        fallback_reason="",
        sessions=list(sessions),
        targets=list(targets),
        panels=dict(empty),
        alternates={s.key: [] for s in sessions},
        probabilities=None,
        feasibility=feasibility,
        excluded=excluded,
        eligible=eligible,
        seconds=0.0,
        pool_size=pool_size,
    )
    if not feasibility.feasible:
        return result
    distribution = round_distribution(
        eligible,
        sessions=sessions,
        targets=targets,
        must_invite=must,
        seed=seed,
        method=method,
        exact_pool_limit=exact_pool_limit,
        time_budget=time_budget,
    )
    chosen = round_sample(distribution, seed)
    by_org = {c.organisation_id: c for c in eligible}
    panels = {s.key: [] for s in sessions}
    for organisation_id, key in chosen:
        panels[key].append(by_org[organisation_id])
    seated = {o for o, _k in chosen}
    rng = random.Random(f"alternates:{seed}")
    order = {c.organisation_id: rng.random() for c in eligible}
    alternates = {
        s.key: sorted(
            (c for c in eligible if c.organisation_id not in seated and speaks(c, s.language)),
            key=lambda c: (c.load, order[c.organisation_id]),
        )
        for s in sessions
    }
    result.method = distribution.method
    result.fallback_reason = distribution.fallback_reason
    result.panels = panels
    result.alternates = alternates
    result.probabilities = distribution.probabilities
    result.seconds = distribution.seconds
    return result


def targets_met(
    panels: Mapping[int, Sequence[Candidate]], targets: Sequence[Target]
) -> list[tuple[Target, int]]:
    """The targets a set of panels misses, each with its count."""
    missed = []
    for t in targets:
        members = (
            [c for members in panels.values() for c in members]
            if t.session is None
            else list(panels.get(t.session, ()))
        )
        count = sum(1 for c in members if t.value in candidate_values(c, t.criterion))
        if not t.minimum <= count <= t.maximum:
            missed.append((t, count))
    return missed


def alternate_next(
    *,
    session: int,
    panels: Mapping[int, Sequence[Candidate]],
    alternates: Sequence[Candidate],
    targets: Sequence[Target],
    language: str,
) -> tuple[Candidate | None, bool]:
    """The first alternate of ``session`` (in order) who speaks its language, sits nowhere yet
    and whose seat keeps every target met; if none keeps them all, the first one that misses
    the fewest. Returns the alternate (``None`` when the list is exhausted) and whether the
    targets stay met."""
    seated = {c.organisation_id for members in panels.values() for c in members}
    best: tuple[int, Candidate] | None = None
    for candidate in alternates:
        if candidate.organisation_id in seated or not speaks(candidate, language):
            continue
        trial = {k: list(v) for k, v in panels.items()}
        trial.setdefault(session, []).append(candidate)
        missed = len(targets_met(trial, targets))
        if missed == 0:
            return candidate, True
        if best is None or missed < best[0]:
            best = (missed, candidate)
    return (best[1], False) if best else (None, False)


def round_explanation(result: RoundPanels) -> dict[str, Any]:
    """Everything a page, the report or the command prints about a round draw (JSON)."""
    seat_of = {c.organisation_id: key for key, members in result.panels.items() for c in members}
    alternate_rank = {
        key: {c.organisation_id: n for n, c in enumerate(members, start=1)}
        for key, members in result.alternates.items()
    }
    probabilities = result.probabilities
    organisations = [
        {
            "organisation_id": c.organisation_id,
            "contact_id": c.contact_id,
            "name": c.name,
            "load": c.load,
            "languages": list(candidate_values(c, "working_language")),
            "values": {k: list(candidate_values(c, k)) for k in ROUND_CRITERIA},
            "session": seat_of.get(c.organisation_id),
            "alternate_ranks": {
                str(k): ranks[c.organisation_id]
                for k, ranks in alternate_rank.items()
                if c.organisation_id in ranks
            },
            "probability": None if probabilities is None else probabilities[c.organisation_id],
        }
        for c in result.eligible
    ]
    targets = []
    for t in result.targets:
        row = t.to_json()
        counts = {}
        for s in result.sessions:
            counts[str(s.key)] = sum(
                1
                for c in result.panels.get(s.key, ())
                if t.value in candidate_values(c, t.criterion)
            )
        row["drawn"] = counts if t.session is None else {str(t.session): counts[str(t.session)]}
        row["drawn_total"] = sum(row["drawn"].values())
        targets.append(row)
    values = list((probabilities or {}).values())
    return {
        "method": result.method,
        "fallback_reason": result.fallback_reason,
        "seed": result.seed,
        "seconds": round(result.seconds, 3),
        "pool_size": result.pool_size,
        "eligible": len(result.eligible),
        "sessions": [
            {
                "key": s.key,
                "title": s.title,
                "language": s.language,
                "seats": s.seats,
                "filled": len(result.panels.get(s.key, ())),
                "panel": [c.organisation_id for c in result.panels.get(s.key, ())],
                "alternates": [c.organisation_id for c in result.alternates.get(s.key, ())],
            }
            for s in result.sessions
        ],
        "targets": targets,
        "feasibility": result.feasibility.to_json(),
        "organisations": organisations,
        "probability_min": min(values) if values else None,
        "probability_max": max(values) if values else None,
        "excluded": [
            {"organisation_id": e.organisation_id, "name": e.name, "reason": e.reason}
            for e in result.excluded
        ],
    }


def problem_text(problem: TargetProblem, sessions: Sequence[Session], names=None) -> str:
    """A feasibility problem in words (for pages, the API and the command)."""
    from django.utils.translation import ngettext, pgettext

    titles = {s.key: s.title or str(s.key) for s in sessions}
    if problem.kind == "seats":
        return ngettext(
            "Session “%(session)s”: %(shortfall)s seat cannot be filled from the pool.",
            "Session “%(session)s”: %(shortfall)s seats cannot be filled from the pool.",
            problem.shortfall,
        ) % {"session": titles.get(problem.session, ""), "shortfall": problem.shortfall}
    if problem.kind == "must_invite":
        name = (names or {}).get(problem.organisation_id, str(problem.organisation_id))
        return _(
            "“%(organisation)s” must be invited but can take no seat (no session in its "
            "languages, or the targets leave none)."
        ) % {"organisation": name}
    target = problem.target
    scope = (
        pgettext("consultation", "the whole round")
        if target.session is None
        else titles.get(target.session, "")
    )
    params = {
        "criterion": target.criterion,
        "value": target.value,
        "scope": scope,
        "minimum": target.minimum,
        "maximum": target.maximum,
        "shortfall": problem.shortfall,
    }
    if problem.kind == "minimum":
        return (
            ngettext(
                "%(criterion)s “%(value)s” in %(scope)s: the minimum of %(minimum)s cannot be "
                "met, %(shortfall)s organisation is missing.",
                "%(criterion)s “%(value)s” in %(scope)s: the minimum of %(minimum)s cannot be "
                "met, %(shortfall)s organisations are missing.",
                problem.shortfall,
            )
            % params
        )
    return (
        ngettext(
            "%(criterion)s “%(value)s” in %(scope)s: the maximum of %(maximum)s cannot be "
            "kept, %(shortfall)s organisation too many.",
            "%(criterion)s “%(value)s” in %(scope)s: the maximum of %(maximum)s cannot be "
            "kept, %(shortfall)s organisations too many.",
            problem.shortfall,
        )
        % params
    )


def rerun_command(*, round_ref: str, seed: int, method: str = METHOD_LEXIMIN) -> str:
    """The command anyone with the data can run to reproduce a draw."""
    command = f"python manage.py draw_panel {round_ref} --seed {seed} --dry-run"
    if method != METHOD_LEXIMIN:
        command += f" --method {method}"
    return command


def explanation_text(explanation: Mapping[str, Any]) -> str:
    """The explanation of a round draw as plain text (the command prints it)."""
    names = {o["organisation_id"]: o["name"] for o in explanation.get("organisations", [])}
    lines = [
        _("Method: %(method)s") % {"method": explanation.get("method", "")},
        _("Seed: %(seed)s") % {"seed": explanation.get("seed", "")},
        _("Pool: %(pool)s organisations, %(eligible)s eligible")
        % {"pool": explanation.get("pool_size", 0), "eligible": explanation.get("eligible", 0)},
    ]
    if explanation.get("fallback_reason"):
        lines.append(
            _("The faster method ran because of: %(reason)s")
            % {"reason": explanation["fallback_reason"]}
        )
    for session in explanation.get("sessions", []):
        lines.append("")
        lines.append(
            _("Session “%(title)s” (%(language)s), %(filled)s of %(seats)s seats:")
            % {
                "title": session["title"],
                "language": session["language"],
                "filled": session["filled"],
                "seats": session["seats"],
            }
        )
        lines += [f"  - {names.get(o, o)}" for o in session["panel"]]
        if session["alternates"]:
            lines.append(_("  Alternates, in order:"))
            lines += [
                f"  {n}. {names.get(o, o)}" for n, o in enumerate(session["alternates"], start=1)
            ]
    lines.append("")
    lines.append(_("Targets:"))
    for t in explanation.get("targets", []):
        lines.append(
            f"  {t['criterion']} = {t['value']}"
            f" [{t['minimum']}–{t['maximum']}]"
            f" {'' if t['session'] is None else t['session']} → {t['drawn_total']}"
        )
    lines.append("")
    lines.append(_("Selection probabilities:"))
    for o in sorted(explanation.get("organisations", []), key=lambda o: o["name"]):
        probability = o["probability"]
        shown = "—" if probability is None else f"{probability:.4f}"
        lines.append(f"  {shown}  {o['name']}")
    return "\n".join(lines)
