"""Write case files: the small subset of TOML that ``data/cases/`` uses.

The standard library reads TOML but does not write it; the case files need only
strings, numbers, booleans, dates, lists of those, tables and arrays of tables,
so a few lines do it rather than a dependency. Strings are TOML basic strings
(JSON's escapes are TOML's), so any text round-trips through ``tomllib``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() and key.isascii() else json.dumps(key)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _emit(data: Mapping[str, Any], prefix: str, out: list[str], inline: frozenset[str]) -> None:
    for key, value in data.items():
        if value is None:
            continue
        if (isinstance(value, Mapping) and key not in inline) or _is_table_list(value):
            continue
        out.append(f"{_key(key)} = {_scalar(value)}")
    for key, value in data.items():
        path = f"{prefix}{_key(key)}"
        if isinstance(value, Mapping) and key not in inline:
            out += ["", f"[{path}]"]
            _emit(value, path + ".", out, inline)
        elif _is_table_list(value):
            for item in value:
                out += ["", f"[[{path}]]"]
                _emit(item, path + ".", out, inline)


def dumps(data: Mapping[str, Any], *, inline: frozenset[str] = frozenset({"sentence"})) -> str:
    """``data`` as TOML; keys named in ``inline`` are written as inline tables."""
    out: list[str] = []
    _emit(data, "", out, inline)
    return "\n".join(out).lstrip("\n") + "\n"
