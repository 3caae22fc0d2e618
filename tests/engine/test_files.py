"""Saving never loses what was there: an interrupted write leaves the old file whole and no litter."""
from __future__ import annotations

import pytest

from engine.files import atomic_file, write_text


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("old map")
    with pytest.raises(RuntimeError):
        with atomic_file(path) as f:
            f.write("half a new m")
            raise RuntimeError("power cut")
    assert path.read_text() == "old map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.yaml"]


def test_a_finished_write_replaces_the_file_whole(tmp_path):
    path = tmp_path / "par.json"
    path.write_text("old")
    write_text(path, "new content\n")
    assert path.read_text() == "new content\n"
    with atomic_file(path, binary=True) as f:
        f.write(b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
