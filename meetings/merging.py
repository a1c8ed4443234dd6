"""Three-way merge of field values: what the editor loaded (base), what they send (mine) and
what is stored now (theirs). A field changed on one side only takes that side's value; a
field changed on both sides to different values is a conflict."""

from __future__ import annotations

from collections.abc import Mapping

MISSING = object()


def three_way_merge(*, base: Mapping, mine: Mapping, theirs: Mapping) -> tuple[dict, dict]:
    """``(merged, conflicts)`` over the keys of ``mine``: ``merged`` maps every key to the value
    to save (mine where they clash); ``conflicts`` maps each clashing key to theirs. A key
    without a base value counts as changed by the editor when it differs from theirs."""
    merged: dict = {}
    conflicts: dict = {}
    for key, my_value in mine.items():
        their_value = theirs.get(key, MISSING)
        base_value = base.get(key, MISSING)
        if their_value is MISSING or my_value == their_value:
            merged[key] = my_value
        elif base_value is not MISSING and my_value == base_value:
            merged[key] = their_value  # only they changed it
        elif base_value is not MISSING and their_value == base_value:
            merged[key] = my_value  # only I changed it
        else:
            merged[key] = my_value
            conflicts[key] = their_value
    return merged, conflicts
