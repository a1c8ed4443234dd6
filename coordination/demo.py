"""The demo data (``fixtures/demo.json``, built by ``fixtures/build_demo.py``), loaded with
its dates brought forward to the current week: whenever it is loaded, the demo's round has a
session held and one ahead, a time poll still open and invitations still to be answered."""

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
DEMO_TIME_ZONE = ZoneInfo("Europe/Brussels")
# The day the demo's data describes (a Sunday): nobody answered anything after it.
DEMO_TODAY = dt.date(2026, 11, 29)
# What happened before the mechanism's year (the 2022 survey, the organisations it reached,
# their consents of then) stays where it was.
DEMO_YEAR_STARTS = dt.datetime(2026, 1, 1, tzinfo=DEMO_TIME_ZONE)


def demo_weeks_ahead(today: dt.date) -> int:
    """Whole weeks from the demo's day to ``today`` (never back): weekdays stay as they were."""
    return max(0, (today - DEMO_TODAY).days // 7)


def _moved(value, delta: dt.timedelta):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        local = value.astimezone(DEMO_TIME_ZONE)
        if local < DEMO_YEAR_STARTS:
            return value
        return local + delta  # wall-clock arithmetic: 14:00 stays 14:00 across a clock change
    if value < DEMO_YEAR_STARTS.date():
        return value
    return value + delta


@transaction.atomic
def demo_load(*, today: dt.date) -> int:
    """Load the demo data with its dates of the mechanism's year moved forward by whole weeks
    so that the demo's day falls in the week of ``today``; returns the weeks moved."""
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    weeks = demo_weeks_ahead(today)
    if not weeks:
        return 0
    delta = dt.timedelta(weeks=weeks)
    loaded: dict[str, list[int]] = defaultdict(list)
    for entry in json.loads(DEMO_FIXTURE.read_text(encoding="utf-8")):
        loaded[entry["model"]].append(entry["pk"])
    for label, pks in loaded.items():
        model = apps.get_model(label)
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateField)  # a DateTimeField is one too
        ]
        if not fields:
            continue
        keyed = _dates_in_unique_keys(model, fields)
        rows = model.objects.filter(pk__in=pks).values_list("pk", *fields)
        # The latest first by the dates of a unique key (a poll's slots, a week apart), so
        # that no row is moved onto one not moved yet.
        for pk, *values in sorted(rows, key=lambda row: _latest_first(row, fields, keyed)):
            moved = {name: _moved(value, delta) for name, value in zip(fields, values, strict=True)}
            model.objects.filter(pk=pk).update(**moved)
    return weeks


def _dates_in_unique_keys(model, fields: list[str]) -> list[str]:
    keys = [c.fields for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    keys += [tuple(key) for key in model._meta.unique_together]
    keys += [(name,) for name in fields if model._meta.get_field(name).unique]
    return [name for name in fields if any(name in key for key in keys)]


def _latest_first(row: tuple, fields: list[str], keyed: list[str]) -> tuple:
    values = dict(zip(fields, row[1:], strict=True))
    return tuple(-_instant(values[name]) if values[name] else float("inf") for name in keyed)


def _instant(value) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return dt.datetime.combine(value, dt.time(), tzinfo=DEMO_TIME_ZONE).timestamp()
