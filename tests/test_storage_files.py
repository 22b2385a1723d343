"""Cache files rewritten whole (bot/storage/files.py): the old file or the new, nothing left over."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.files import replacing


def test_the_new_contents_take_the_old_ones_place_when_written(tmp_path: Path) -> None:
    target = tmp_path / "cache.json"
    target.write_text("old")
    with replacing(target) as partial:
        partial.write_text("new")
        assert target.read_text() == "old"  # readers see the old file until the write is done
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]


def test_a_failed_write_leaves_the_old_file_and_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "cache.json"
    target.write_text("old")
    with pytest.raises(OSError), replacing(target) as partial:
        partial.write_text("half")
        raise OSError("disk full")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]
