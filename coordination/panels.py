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

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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

    excluded: list[Exclusion] = []
    seen: set[int] = set()
    eligible: list[Candidate] = []
    must_ids = list(dict.fromkeys(must_invite))
    must_set = set(must_ids)
    ordered_pool = sorted(pool, key=lambda c: (c.organisation_id, c.contact_id))
    for candidate in ordered_pool:
        org = candidate.organisation_id
        if org in seen:
            continue  # one contact per organisation: the first kept, the others silent
        if not candidate.volunteered:
            excluded.append(Exclusion(org, candidate.name, REASON_NOT_VOLUNTEER))
            seen.add(org)
            continue
        if not candidate.consent_active:
            # another contact of the same organisation may still hold consent
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
        pool_size=len(seen) + len(no_consent),
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
