"""Benchmark of the joint round draw (not collected by pytest): 2 sessions × 12 seats (French
and Dutch) from synthetic pools of 35, 500 and 5,000 organisations with 4 categories (working
languages, area, domain, kind) and the default targets proportional to the pool.

    python tests/benchmarks/bench_round_draw.py            # 35, 500 and 5000
    BENCH_SIZES=35,500 BENCH_BUDGET=120 python tests/benchmarks/bench_round_draw.py

For each pool: the feasibility check, LEXIMIN within the time budget (``BENCH_BUDGET``
seconds, default the setting's 15 s; beyond it, or above 1,000 organisations, the draw falls
back to the random-weights method and says so), and the random-weights method on its own.
No database is needed: the draw is a pure function. The draw's processor time is printed
beside its elapsed time: on a machine busy with other work, the first is the one to compare
(the solver runs on one thread).
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from coordination.panels import (  # noqa: E402
    METHOD_RANDOM_WEIGHTS,
    TIME_BUDGET_SECONDS,
    Candidate,
    Session,
    default_targets,
    round_draw,
    round_eligible,
    round_feasibility,
)

LANGUAGES = [("fr",), ("nl",), ("nl",), ("fr", "nl"), ("en", "fr"), ("nl", "en"), ("de", "fr")]
AREAS = ["flemish", "french", "german", "federal", "brussels"]
DOMAINS = ["medical", "justice", "social", "education", "labour", "financial"]
KINDS = ["federal", "regional", "local", "ngo", "international", "umbrella"]


def pool(size: int, seed: int = 2022) -> list[Candidate]:
    rng = random.Random(seed)
    return [
        Candidate(
            organisation_id=n,
            contact_id=n,
            name=f"Organisation {n}",
            attributes={
                "working_language": rng.choice(LANGUAGES),
                "area": tuple(rng.sample(AREAS, rng.choice([1, 1, 2]))),
                "domain": tuple(rng.sample(DOMAINS, rng.choice([1, 2, 3]))),
                "kind": rng.choice(KINDS),
            },
        )
        for n in range(1, size + 1)
    ]


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "35,500,5000").split(",")]
    budget = float(os.environ.get("BENCH_BUDGET", TIME_BUDGET_SECONDS))
    sessions = [
        Session(key=1, language="fr", seats=12, title="FR"),
        Session(key=2, language="nl", seats=12, title="NL"),
    ]
    for size in sizes:
        candidates = pool(size)
        eligible, _excluded, _size = round_eligible(candidates)
        targets = default_targets(eligible, sessions)
        start = time.perf_counter()
        feasibility = round_feasibility(eligible, sessions=sessions, targets=targets)
        checked = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        exact = round_draw(
            candidates, sessions=sessions, targets=targets, seed=1, time_budget=budget
        )
        drawn, drawn_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        round_draw(
            candidates, sessions=sessions, targets=targets, seed=1, method=METHOD_RANDOM_WEIGHTS
        )
        fallback = time.perf_counter() - start
        low = min(exact.probabilities.values()) if exact.probabilities else None
        sys.stdout.write(
            f"pool {size:>5}: {len(targets)} targets, feasible={feasibility.feasible} "
            f"({checked:.2f} s); draw: {exact.method}"
            f"{' (' + exact.fallback_reason + ')' if exact.fallback_reason else ''} "
            f"{drawn:.2f} s ({drawn_cpu:.2f} s of processor time)"
            f"{f', smallest probability {low:.4f}' if low is not None else ''}; "
            f"random weights alone {fallback:.2f} s\n"
        )


if __name__ == "__main__":
    main()
