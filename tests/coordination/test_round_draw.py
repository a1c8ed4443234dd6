"""The joint draw of a round's sessions: properties over generated pools (hypothesis) and
worked examples (feasibility, LEXIMIN probabilities, sampling, fallback, alternates)."""

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordination.panels import (
    METHOD_LEXIMIN,
    METHOD_RANDOM_WEIGHTS,
    Candidate,
    PanelInputError,
    Session,
    Target,
    alternate_next,
    candidate_values,
    default_targets,
    round_distribution,
    round_draw,
    round_eligible,
    round_feasibility,
    round_sample,
    targets_met,
)

LANGUAGE_PROFILES = [("fr",), ("nl",), ("fr", "nl"), ("en",), ("en", "fr")]
KINDS = ["ngo", "local", "federal"]
AREAS = ["flemish", "french", "brussels"]


def org(number, languages, kind="ngo", areas=("brussels",), load=0):
    return Candidate(
        organisation_id=number,
        contact_id=100 + number,
        name=f"Org {number}",
        attributes={"working_language": tuple(languages), "kind": kind, "area": tuple(areas)},
        load=load,
    )


@st.composite
def rounds(draw):
    size = draw(st.integers(min_value=2, max_value=14))
    pool = [
        org(
            n,
            draw(st.sampled_from(LANGUAGE_PROFILES)),
            kind=draw(st.sampled_from(KINDS)),
            areas=draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=2, unique=True)),
        )
        for n in range(1, size + 1)
    ]
    sessions = [
        Session(key=1, language="fr", seats=draw(st.integers(1, 4)), title="FR"),
        Session(key=2, language="nl", seats=draw(st.integers(1, 4)), title="NL"),
    ]
    targets = []
    seats = {None: sessions[0].seats + sessions[1].seats, 1: sessions[0].seats}
    seats[2] = sessions[1].seats
    for kind in draw(st.lists(st.sampled_from(KINDS), max_size=2, unique=True)):
        scope = draw(st.sampled_from([None, 1, 2]))
        low = draw(st.integers(0, min(2, seats[scope])))
        targets.append(
            Target(
                criterion="kind",
                value=kind,
                minimum=low,
                maximum=low + draw(st.integers(0, 3)),
                session=scope,
            )
        )
    return pool, sessions, targets


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rounds(), seed=st.integers(min_value=0, max_value=2**40))
def test_round_draw_meets_targets_or_says_it_cannot(data, seed):
    pool, sessions, targets = data

    result = round_draw(pool, sessions=sessions, targets=targets, seed=seed)

    seated = [c.organisation_id for members in result.panels.values() for c in members]
    if result.feasibility.feasible:
        assert targets_met(result.panels, targets) == []
        assert {k: len(v) for k, v in result.panels.items()} == {s.key: s.seats for s in sessions}
    else:
        assert seated == []
        assert result.feasibility.problems != []
    assert len(seated) == len(set(seated))
    for session in sessions:
        for candidate in result.panels[session.key]:
            assert session.language in candidate_values(candidate, "working_language")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rounds(), seed=st.integers(min_value=0, max_value=2**40))
def test_round_draw_same_seed_gives_same_panels(data, seed):
    pool, sessions, targets = data

    first = round_draw(pool, sessions=sessions, targets=targets, seed=seed)
    second = round_draw(list(reversed(pool)), sessions=sessions, targets=targets, seed=seed)

    assert first.explanation() | {"seconds": 0} == second.explanation() | {"seconds": 0}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rounds())
def test_round_feasibility_suggestion_is_feasible(data):
    pool, sessions, targets = data
    eligible, _excluded, _size = round_eligible(pool)

    feasibility = round_feasibility(eligible, sessions=sessions, targets=targets)
    suggested_sessions = [
        Session(key=s.key, language=s.language, seats=feasibility.suggested_seats[s.key])
        for s in sessions
        if feasibility.suggested_seats[s.key] > 0
    ]

    if feasibility.feasible:
        assert feasibility.suggested_targets == targets
    elif suggested_sessions:
        again = round_feasibility(
            eligible,
            sessions=suggested_sessions,
            targets=[
                t
                for t in feasibility.suggested_targets
                if t.session is None or feasibility.suggested_seats[t.session] > 0
            ],
        )
        assert again.feasible


def small_round():
    pool = [
        org(1, ("fr",), kind="ngo"),
        org(2, ("fr",), kind="local"),
        org(3, ("fr", "nl"), kind="ngo"),
        org(4, ("nl",), kind="local"),
        org(5, ("nl",), kind="ngo"),
        org(6, ("fr", "nl"), kind="federal"),
        org(7, ("nl",), kind="federal"),
    ]
    sessions = [Session(key=1, language="fr", seats=2), Session(key=2, language="nl", seats=2)]
    targets = [Target(criterion="kind", value="ngo", minimum=1, maximum=2)]
    return pool, sessions, targets


def test_empirical_frequency_over_seeds_matches_probabilities():
    pool, sessions, targets = small_round()
    eligible, _excluded, _size = round_eligible(pool)
    distribution = round_distribution(eligible, sessions=sessions, targets=targets)
    draws = 4000

    counts = Counter(
        organisation_id
        for seed in range(draws)
        for organisation_id, _session in round_sample(distribution, seed)
    )

    assert distribution.method == METHOD_LEXIMIN
    assert sum(distribution.probabilities.values()) == pytest.approx(4.0, abs=1e-4)
    for candidate in eligible:
        expected = distribution.probabilities[candidate.organisation_id]
        assert counts[candidate.organisation_id] / draws == pytest.approx(expected, abs=0.03)
    # the same seed through the whole draw picks the sampled panel
    result = round_draw(pool, sessions=sessions, targets=targets, seed=7)
    assert sorted(
        (c.organisation_id, k) for k, members in result.panels.items() for c in members
    ) == sorted(round_sample(distribution, 7))


def test_leximin_raises_the_smallest_probability_to_its_maximum():
    # Two French seats for 1, 2 and the bilingual 3; one Dutch seat for 3 and 4.
    pool = [org(1, ("fr",)), org(2, ("fr",)), org(3, ("fr", "nl")), org(4, ("nl",))]
    sessions = [Session(key=1, language="fr", seats=2), Session(key=2, language="nl", seats=1)]
    eligible, _excluded, _size = round_eligible(pool)

    distribution = round_distribution(eligible, sessions=sessions, targets=[])

    # Three seats for four organisations: 3 in French half the time and in Dutch a quarter
    # of the time gives everyone 3/4, the largest possible minimum.
    assert distribution.probabilities == pytest.approx(
        {1: 0.75, 2: 0.75, 3: 0.75, 4: 0.75}, abs=1e-5
    )


def test_round_feasibility_names_the_failing_target_and_shortfall():
    pool, sessions, _targets = small_round()
    eligible, _excluded, _size = round_eligible(pool)
    targets = [Target(criterion="kind", value="federal", minimum=3, maximum=4)]

    feasibility = round_feasibility(eligible, sessions=sessions, targets=targets)

    assert feasibility.feasible is False
    assert [p.to_json() for p in feasibility.problems] == [
        {
            "kind": "minimum",
            "shortfall": 1,
            "target": targets[0].to_json(),
            "session": None,
            "organisation_id": None,
        }
    ]
    assert feasibility.suggested_targets == [
        Target(criterion="kind", value="federal", minimum=2, maximum=4)
    ]


def test_round_feasibility_reports_a_pool_too_small_for_a_session():
    pool = [org(1, ("fr",)), org(2, ("nl",))]
    sessions = [Session(key=1, language="fr", seats=3), Session(key=2, language="nl", seats=1)]
    eligible, _excluded, _size = round_eligible(pool)

    feasibility = round_feasibility(eligible, sessions=sessions, targets=[])

    assert [(p.kind, p.session, p.shortfall) for p in feasibility.problems] == [("seats", 1, 2)]
    assert feasibility.suggested_seats == {1: 1, 2: 1}


@pytest.mark.parametrize(
    ("sessions", "targets", "code"),
    [
        (
            [Session(key=1, language="fr", seats=2)],
            [Target("kind", "ngo", 3, 1)],
            "target_min_above_max",
        ),
        (
            [Session(key=1, language="fr", seats=2)],
            [Target("kind", "ngo", 3, 5)],
            "target_above_seats",
        ),
        ([Session(key=1, language="", seats=2)], [], "session_language"),
        ([], [], "no_session"),
        ([Session(key=1, language="fr", seats=2)], [Target("colour", "red", 0, 1)], "criteria"),
        (
            [Session(key=1, language="fr", seats=2)],
            [Target("kind", "ngo", 0, 1, session=9)],
            "target_session",
        ),
    ],
)
def test_round_draw_refuses_contradictory_input(sessions, targets, code):
    pool, _sessions, _targets = small_round()

    with pytest.raises(PanelInputError) as error:
        round_draw(pool, sessions=sessions, targets=targets, seed=1)

    assert error.value.code == code


def test_round_draw_refuses_a_seed_that_is_not_a_number():
    pool, sessions, targets = small_round()

    with pytest.raises(PanelInputError) as error:
        round_draw(pool, sessions=sessions, targets=targets, seed="abc")

    assert error.value.code == "seed"


def test_round_draw_seats_must_invite_and_leaves_out_exclusions():
    pool, sessions, targets = small_round()

    for seed in range(20):
        result = round_draw(
            pool,
            sessions=sessions,
            targets=targets,
            seed=seed,
            must_invite=[7],
            exclusions={3: "other_round"},
        )
        seated = {c.organisation_id for members in result.panels.values() for c in members}
        assert 7 in seated
        assert 3 not in seated
    assert result.probabilities[7] == 1.0
    assert [(e.organisation_id, e.reason) for e in result.excluded] == [(3, "other_round")]


def test_round_draw_falls_back_above_the_exact_pool_limit_and_says_so():
    pool, sessions, targets = small_round()

    result = round_draw(pool, sessions=sessions, targets=targets, seed=3, exact_pool_limit=5)

    assert result.method == METHOD_RANDOM_WEIGHTS
    assert result.fallback_reason == "pool_size"
    assert result.probabilities is None
    assert targets_met(result.panels, targets) == []
    assert result.explanation()["method"] == METHOD_RANDOM_WEIGHTS


def test_round_draw_falls_back_when_the_time_budget_runs_out():
    pool, sessions, targets = small_round()

    result = round_draw(pool, sessions=sessions, targets=targets, seed=3, time_budget=0)

    assert (result.method, result.fallback_reason) == (METHOD_RANDOM_WEIGHTS, "time_budget")
    assert sum(len(v) for v in result.panels.values()) == 4


def test_default_targets_are_proportional_to_the_pool():
    pool = [org(n, ("fr",), kind="ngo" if n <= 6 else "local") for n in range(1, 11)]
    sessions = [Session(key=1, language="fr", seats=5)]
    eligible, _excluded, _size = round_eligible(pool)

    targets = default_targets(eligible, sessions, criteria=["kind"], feasible=False)

    # ngo: 5 × 6/10 = 3 → 2..4; local: 5 × 4/10 = 2 → 1..3
    assert targets == [Target("kind", "local", 1, 3), Target("kind", "ngo", 2, 4)]


def test_alternate_next_keeps_the_targets_met():
    pool, _sessions, _targets = small_round()
    by_id = {c.organisation_id: c for c in pool}
    targets = [Target(criterion="kind", value="ngo", minimum=1, maximum=1, session=2)]
    panels = {1: [by_id[1], by_id[2]], 2: [by_id[7]]}  # org 5 (ngo) left session 2

    chosen, keeps = alternate_next(
        session=2,
        panels=panels,
        alternates=[by_id[4], by_id[6], by_id[3], by_id[5]],
        targets=targets,
        language="nl",
    )

    assert (chosen.organisation_id, keeps) == (3, True)


def test_alternate_next_takes_the_closest_when_no_one_keeps_the_targets():
    pool, _sessions, _targets = small_round()
    by_id = {c.organisation_id: c for c in pool}
    targets = [Target(criterion="kind", value="federal", minimum=2, maximum=2, session=2)]

    chosen, keeps = alternate_next(
        session=2,
        panels={2: [by_id[4]]},
        alternates=[by_id[1], by_id[5], by_id[7]],
        targets=targets,
        language="nl",
    )

    assert (chosen.organisation_id, keeps) == (5, False)


def test_round_draw_on_a_demo_sized_pool_balances_both_language_communities():
    rng = random.Random(5)
    pool = [
        org(n, rng.choice([("fr",), ("nl",), ("fr", "nl")]), kind=rng.choice(KINDS))
        for n in range(1, 36)
    ]
    sessions = [
        Session(key=1, language="fr", seats=12),
        Session(key=2, language="nl", seats=12),
    ]

    result = round_draw(pool, sessions=sessions, targets=[], seed=11)

    assert [len(result.panels[1]), len(result.panels[2])] == [12, 12]
    assert all("fr" in candidate_values(c, "working_language") for c in result.panels[1])
    assert all("nl" in candidate_values(c, "working_language") for c in result.panels[2])
    assert result.method == METHOD_LEXIMIN


def test_default_targets_are_widened_until_they_can_be_met():
    # Four Dutch-speaking NGOs and eight French-speaking local services; one French seat and
    # four Dutch seats. Proportional targets ask for at most 3 NGOs (5 × 4/12 = 1.7, plus one)
    # and at least 2 local services (5 × 8/12 = 3.3, minus one): the languages forbid both.
    pool = [org(n, ("nl",), kind="ngo") for n in range(1, 5)]
    pool += [org(n, ("fr",), kind="local") for n in range(5, 13)]
    sessions = [Session(key=1, language="fr", seats=1), Session(key=2, language="nl", seats=4)]
    eligible, _excluded, _size = round_eligible(pool)

    raw = default_targets(eligible, sessions, criteria=["kind"], feasible=False)
    widened = default_targets(eligible, sessions, criteria=["kind"])

    assert raw == [Target("kind", "local", 2, 5), Target("kind", "ngo", 0, 3)]
    assert round_feasibility(eligible, sessions=sessions, targets=raw).feasible is False
    assert widened == [Target("kind", "local", 1, 5), Target("kind", "ngo", 0, 4)]


def _panels_by_enumeration(eligible, sessions, targets):
    """Every round panel that fills the seats within the targets, by brute force."""
    from itertools import product

    options = [[None] + [s.key for s in sessions if speaks_in(c, s.language)] for c in eligible]
    panels = []
    for choice in product(*options):
        seated = {s.key: [] for s in sessions}
        for candidate, key in zip(eligible, choice, strict=True):
            if key is not None:
                seated[key].append(candidate)
        if all(len(seated[s.key]) == s.seats for s in sessions) and not targets_met(
            seated, targets
        ):
            panels.append({c.organisation_id for members in seated.values() for c in members})
    return panels


def _max_min_probability(panels, organisations):
    """max z s.t. some distribution over ``panels`` gives every organisation at least z."""
    import highspy
    import numpy as np

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n = len(panels)
    inf = highspy.kHighsInf
    h.addVars(n + 1, np.array([0.0] * n + [-inf]), np.array([1.0] * n + [inf]))
    h.changeColsCost(n + 1, np.arange(n + 1, dtype=np.int32), np.array([0.0] * n + [1.0]))
    h.addRow(1.0, 1.0, n, np.arange(n, dtype=np.int32), np.ones(n))
    for o in organisations:
        members = [p for p, panel in enumerate(panels) if o in panel]
        h.addRow(
            0.0,
            inf,
            len(members) + 1,
            np.array([*members, n], dtype=np.int32),
            np.array([1.0] * len(members) + [-1.0]),
        )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    return h.getInfo().objective_function_value


def test_leximin_meets_an_independent_max_min_and_every_panel_meets_the_targets():
    # Few French speakers and a scarce kind: the probabilities cannot all be equal.
    rng = random.Random(5)
    pool = [
        org(
            n,
            rng.choice([("fr",), ("nl",), ("nl",), ("fr", "nl"), ("nl",)]),
            kind=rng.choice(["ngo", "local", "local", "federal"]),
            areas=tuple(rng.sample(AREAS, rng.choice([1, 2]))),
        )
        for n in range(1, 11)
    ]
    sessions = [Session(key=1, language="fr", seats=2), Session(key=2, language="nl", seats=3)]
    targets = [
        Target(criterion="kind", value="federal", minimum=1, maximum=2),
        Target(criterion="area", value="brussels", minimum=1, maximum=3, session=2),
    ]
    eligible, _excluded, _size = round_eligible(pool)

    distribution = round_distribution(eligible, sessions=sessions, targets=targets)

    assert distribution.method == METHOD_LEXIMIN
    by_id = {c.organisation_id: c for c in eligible}
    for weight, panel in distribution.panels:
        assert weight > 0
        seated = {s.key: [by_id[o] for o, k in panel if k == s.key] for s in sessions}
        assert {k: len(v) for k, v in seated.items()} == {1: 2, 2: 3}
        assert targets_met(seated, targets) == []
        for session in sessions:
            assert all(speaks_in(c, session.language) for c in seated[session.key])
    assert sum(w for w, _p in distribution.panels) == pytest.approx(1.0, abs=1e-9)
    assert sum(distribution.probabilities.values()) == pytest.approx(5.0, abs=1e-5)
    panels = _panels_by_enumeration(eligible, sessions, targets)
    reachable = {o for panel in panels for o in panel}
    best = _max_min_probability(panels, sorted(reachable))
    assert min(distribution.probabilities[o] for o in reachable) == pytest.approx(best, abs=1e-5)
    assert len(set(distribution.probabilities.values())) > 1  # not a uniform case


def speaks_in(candidate, language):
    return language in candidate_values(candidate, "working_language")
