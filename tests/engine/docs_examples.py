"""The YAML examples of docs/scenario-format.md, read once for every test that needs them.

The doc's fenced ```yaml blocks are of two kinds: complete scenarios, which must load, and fragments
(first line `# fragment`), which show one section and need only be valid YAML. `tests/engine/test_docs.py` checks
both; the command-line fuzzer (`tests/fuzz/`) mutates the complete ones.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scenario-format.md"


def yaml_blocks(doc: Path = DOC) -> list[str]:
    """The text of every ```yaml block of `doc`, in order."""
    return re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S)


BLOCKS = yaml_blocks()
COMPLETE = [b for b in BLOCKS if not b.lstrip().startswith("# fragment")]
FRAGMENTS = [b for b in BLOCKS if b.lstrip().startswith("# fragment")]
