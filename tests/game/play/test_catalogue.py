"""The scenario catalogue's order: a new player meets the tutorial first, custom scenarios come after the
built-in ones, and a broken file is a card with its reasons, never a crash."""
from game.play.catalogue import catalogue


def test_the_tutorial_leads_then_the_other_built_ins_by_name(tmp_path):
    (tmp_path / "broken.yaml").write_text("format: 1\nid: [\n")
    entries = catalogue([tmp_path])
    built_in = [e for e in entries if not e.custom]
    assert built_in[0].scenario.id == "tutorial"
    rest = [e.path.name for e in built_in[1:]]
    assert rest == sorted(rest) and len(rest) == 3
    assert entries[-1].custom and entries[-1].scenario is None and entries[-1].problems
