"""The two apps stay a clean stack: ``meetings`` imports ``coordination``, never the reverse
(the project's settings and root URLconf name ``meetings`` by dotted string only)."""

import ast
from pathlib import Path

from django.conf import settings


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_coordination_never_imports_meetings():
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): sorted(
            m for m in imported_modules(path) if m == "meetings" or m.startswith("meetings.")
        )
        for path in (Path(settings.BASE_DIR) / "coordination").rglob("*.py")
    }

    assert {path: mods for path, mods in offenders.items() if mods} == {}
