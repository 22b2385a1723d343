"""The floors of bot/ import only downward: the map in the README is the code's own.

Each module belongs to a floor; an import of a module on a higher floor (or a
sideways import the rules below forbid) fails here with the module, the line
and the rule, so the layering cannot drift unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"

# (package prefix, floor). The longest matching prefix decides a module's floor.
FLOORS: dict[str, int] = {
    "bot.config": 0,
    "bot.logs": 0,
    "bot.locales": 0,
    "bot.text": 0,
    "bot.uzbek_cyrillic": 0,
    "bot.storage": 1,
    "bot.cases": 2,  # case files read through storage's text cache
    "bot.domain": 3,
    "bot.domain.records": 0,  # plain data every floor reads and storage builds
    "bot.ui": 4,
    "bot.pipeline": 5,
    "bot.handlers": 6,
    "bot.app": 7,
    "bot.transport": 8,
    "bot.__main__": 9,
}


def _package(module: str) -> str:
    matches = [prefix for prefix in FLOORS if module == prefix or module.startswith(prefix + ".")]
    if not matches:
        raise AssertionError(f"{module} lies on no floor: add it to FLOORS and to the README's map")
    return max(matches, key=len)


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("bot")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("bot"):
            if node.module == "bot":  # `from bot import x` imports the module bot.x
                found += [(node.lineno, f"bot.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def _violations(root: Path = BOT) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        if module == "bot":
            continue
        home = _package(module)
        for line, target in _imports(path):
            there = _package(target)
            if there == home:
                continue
            where = f"{path.relative_to(root.parent)}:{line} imports {target}"
            if FLOORS[there] > FLOORS[home]:
                problems.append(f"{where}: {there} (floor {FLOORS[there]}) is above {home} (floor {FLOORS[home]})")
    return problems


def test_every_import_runs_downward() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from bot.handlers import start\n", "above"),
        ("from bot import app\n", "above"),
        ("import bot.transport.web\n", "above"),
        ("from bot.storage import db\n", None),
    ],
)
def test_an_upward_import_is_caught(tmp_path: Path, source: str, expected: str | None) -> None:
    # The check must be able to fail: a domain module that reaches up is reported.
    fake = tmp_path / "bot" / "domain" / "upward.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(source)
    problems = _violations(tmp_path / "bot")
    if expected is None:
        assert problems == []
    else:
        assert any(expected in problem for problem in problems)
