"""Identifiers on screen, for the tests: what an identifier of a scenario is, what an ordinary word of it is,
and a recorder of the strings the theme draws (its text rendering wrapped with pytest's monkeypatch).

A drawn string leaks when it holds a snake_case word, or a single-word id of the scenario (step, port,
lever, pool, charge, KPI) that its author never wrote as a word for people to read. A file's name is the
file's, not an identifier.
"""
from __future__ import annotations

import re

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
FILE_NAME = re.compile(r"[\w./-]+\.(?:ya?ml|json|csv|pdf|png|bpmn|txt|db)\b")  # a file's name is the file's


def scenario_ids(sc) -> set[str]:
    """Every identifier a scenario file names: steps, their ports, levers, pools, charges, KPIs asked for."""
    ids = set(sc.steps) | set(sc.resources) | {r.id for r in sc.rules} | {p.id for p in sc.penalties}
    ids |= {t.kpi for t in sc.objective.targets}
    for step in sc.steps.values():
        ids |= set(getattr(step, "ports", ()) or ())
    return {i for i in ids if isinstance(i, str)}


def _sentences(data):
    """Every string of the scenario file with a space in it: what its author wrote for people to read."""
    if isinstance(data, dict):
        for v in data.values():
            yield from _sentences(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from _sentences(v)
    elif isinstance(data, str) and " " in data.strip():
        yield data


def ordinary_words(sc) -> set[str]:
    """The words the scenario itself shows people: its title, labels, options, briefing and hints, as written
    (an id such as `done` that is also a word of those is a word on screen too)."""
    texts = [sc.title] + [s.label or "" for s in sc.steps.values()] + [r.label or "" for r in sc.rules]
    texts += list(_sentences(sc.raw))
    return {w for t in texts for w in WORD.findall(t)} | {w.lower() for t in texts for w in WORD.findall(t)}


def leaks(strings, sc) -> list[tuple[str, str]]:
    """(string, token) for every drawn string holding an identifier."""
    ids, plain = scenario_ids(sc), ordinary_words(sc)
    out = []
    for s in strings:
        s = FILE_NAME.sub("", s)
        for token in SNAKE.findall(s):
            out.append((s, token))
        for token in WORD.findall(s):
            if "_" not in token and token in ids and token not in plain:
                out.append((s, token))
    return out


def record(monkeypatch) -> list[str]:
    """The strings drawn through the theme from now on, while the test runs (its text rendering, wrapped)."""
    from game.ui import theme as T

    seen: list[str] = []
    real = T.render

    def recording(text, *args, **kwargs):
        seen.append(str(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(T, "render", recording)
    return seen


#: Words that name one run of the scenario as a day: wrong when its horizon is a fortnight.
DAY_WORDS = re.compile(r"\b(?:the|all|evaluation|a) days?\b", re.IGNORECASE)


def day_slips(strings, sc, others=()) -> list[str]:
    """The drawn strings that call a run of `sc` a day when its horizon is not one (game.ui.words.horizon_noun),
    other than what the author of `sc` or of `others` (the scenarios on the select screen) wrote: a drawn
    line may be a wrapped piece of one of their sentences."""
    from game.ui import words

    if words.horizon_noun(sc) == "day":
        return []
    authored = " ".join(" ".join(t.split()) for s in (sc, *others) for t in [s.title, *_sentences(s.raw)])
    return [s for s in strings if DAY_WORDS.search(s) and " ".join(s.split()) not in authored]
