"""Published agenda versions as data: the snapshot of a version and what changed between two
of them. Pure: plain dicts in, plain data out (pages and e-mails translate the labels)."""

from __future__ import annotations

from dataclasses import dataclass, field

COMPARED_FIELDS = ("title", "purpose", "planned_minutes", "description", "presenter", "questions")


def agenda_snapshot(items) -> list[dict]:
    """The items of an agenda as a version keeps them."""
    return [
        {
            "id": item.pk,
            "position": item.position,
            "title": item.title,
            "purpose": item.purpose,
            "planned_minutes": item.planned_minutes,
            "description": item.description,
            "presenter": item.presenter.name if item.presenter_id else "",
            "questions": sorted(q.number for q in item.questions.all()),
        }
        for item in items
    ]


@dataclass(frozen=True)
class ItemChange:
    """One item's change: ``kind`` is "added", "removed", "changed" or "moved"; ``fields``
    lists (field, before, after) for a changed item."""

    kind: str
    title: str
    position: int
    before_position: int | None = None
    fields: list[tuple[str, object, object]] = field(default_factory=list)


def agenda_changes(before: list[dict], after: list[dict]) -> list[ItemChange]:
    """What changed from ``before`` to ``after``, in the order of ``after`` (removed items
    last)."""
    old = {item["id"]: item for item in before}
    new_ids = {item["id"] for item in after}
    changes: list[ItemChange] = []
    for item in sorted(after, key=lambda i: i["position"]):
        previous = old.get(item["id"])
        if previous is None:
            changes.append(ItemChange("added", item["title"], item["position"]))
            continue
        fields = [
            (name, previous.get(name), item.get(name))
            for name in COMPARED_FIELDS
            if previous.get(name) != item.get(name)
        ]
        if fields:
            changes.append(
                ItemChange(
                    "changed",
                    item["title"],
                    item["position"],
                    before_position=previous["position"],
                    fields=fields,
                )
            )
        elif previous["position"] != item["position"]:
            changes.append(
                ItemChange(
                    "moved", item["title"], item["position"], before_position=previous["position"]
                )
            )
    for item in sorted(before, key=lambda i: i["position"]):
        if item["id"] not in new_ids:
            changes.append(ItemChange("removed", item["title"], item["position"]))
    return changes
