"""The store's layers: the checks and tidying happen above the back end (a refusal reaches no database,
and a back end gets plain values), the SQLite rows keep the text format older versions wrote, and the
stand-in for a missing database answers every call the store does."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.model import Edge
from game.data.store import (InitialsError, LeadError, RoundRecord, SaveError, ScoreEntry, Store, StoreError,
                             UnavailableStore)


class RecordingBackend:
    """A back end that keeps what it was handed, to see what reaches a database."""

    path = None

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def insert_score(self, **values):
        self.calls.append(("score", values))
        return 7

    def score(self, entry_id):
        v = self.calls[-1][1]
        return ScoreEntry(entry_id, v["initials"], v["scenario"], round(v["profit"]), v["stars"], v["map_score"],
                          v["kpis"], v["day"], v["seed"], v["created"], v["profit"])

    def insert_lead(self, **values):
        self.calls.append(("lead", values))
        return 1

    def leads(self, lead_id=None):
        return ["the lead"]

    def insert_round(self, **values):
        self.calls.append(("round", values))
        return 3

    def rounds(self, team=None, workshop=None, scenario=None, round_id=None):
        return [RoundRecord(round_id, "Blue", "w", 1, "cs", None, None, {}, [], {}, 1, 0, 0, None, None, "now")]


def test_refused_input_reaches_no_back_end():
    backend = RecordingBackend()
    store = Store(backend)
    with pytest.raises(InitialsError):
        store.add_score("A1", "cs", 100)
    with pytest.raises(LeadError):
        store.add_lead("Ann", "", "ann@example.com", consent="yes")  # a truthy default is not consent
    with pytest.raises(LeadError):
        store.add_lead("Ann", "", "ann@@example", consent=True)
    with pytest.raises(StoreError):
        store.add_round("  ", "cs", 1)
    assert backend.calls == []


def test_a_back_end_gets_plain_tidied_values():
    backend = RecordingBackend()
    store = Store(backend)
    entry = store.add_score(" abc ", "cs", np.float64(640.5), stars=2,
                            kpis={"wait": (12.5, 1.0), "profit": {"mean": np.float64(3.0)}, "odd": math.nan},
                            day="2025-03-01", seed=5)
    assert entry.id == 7 and entry.initials == "ABC"
    kind, v = backend.calls[-1]
    assert v["kpis"] == {"odd": None, "profit": 3.0, "wait": 12.5} and list(v["kpis"]) == ["odd", "profit", "wait"]
    assert type(v["profit"]) is float and v["profit"] == 640.5 and (v["day"], v["seed"]) == ("2025-03-01", 5)
    store.add_lead("  Zoë   Lee ", " Acme ", " Zoe\u0308@example.com ", consent=True, profit=np.int32(9))
    kind, v = backend.calls[-1]
    assert (v["name"], v["company"], v["email"], v["profit"]) == ("Zoë Lee", "Acme", "Zoë@example.com", 9)
    assert type(v["profit"]) is float
    assert v["consent_at"] == v["created"]
    store.add_round("Blue", "cs", 500, rules={"seniors": np.int64(5), "agents": 3},
                    edges=[Edge("a", "out", "b")], baseline=math.inf, par=120, workshop="w")
    kind, v = backend.calls[-1]
    assert v["rules"] == {"seniors": 5} | {"agents": 3} and list(v["rules"]) == ["seniors", "agents"]
    assert v["edges"] == ["a.out -> b"] and (v["baseline"], v["par"]) == (None, 120.0)
    assert v["baseline_kpis"] is None and v["par_kpis"] is None


def test_sqlite_rows_keep_the_text_older_versions_wrote(tmp_path):
    with Store.open(tmp_path) as s:
        s.add_score("ABC", "cs", 1, kpis={"b": 1, "a": (2.0, 0.1)})
        s.add_round("Blue", "cs", 1, rules={"z": 1, "a": 2}, edges=["x.out -> y"], kpis={"b": 1, "a": 2},
                    par_kpis={"p": math.nan})
        conn = s.backend.conn
        assert conn.execute("SELECT kpis FROM scores").fetchone() == ('{"a": 2.0, "b": 1.0}',)
        assert conn.execute("SELECT rules, edges, kpis, baseline_kpis, par_kpis FROM rounds").fetchone() == (
            '{"z": 1, "a": 2}', '["x.out -> y"]', '{"a": 2.0, "b": 1.0}', None, '{"p": null}')


def test_the_stand_in_answers_every_call_of_the_store_and_keeps_nothing(tmp_path):
    public = {name for name in vars(Store) if not name.startswith("_") and callable(getattr(Store, name))}
    maintenance = {"open", "schema_version", "integrity"}  # of a database that exists
    missing = public - maintenance - set(dir(UnavailableStore))
    assert not missing, f"UnavailableStore lacks {sorted(missing)}"
    stand_in = UnavailableStore("the disk is read-only", tmp_path)
    with pytest.raises(SaveError, match="read-only"):
        stand_in.add_score("ABC", "cs", 100)
    with pytest.raises(SaveError):
        stand_in.add_round("Blue", "cs", 1)
    assert stand_in.top_today() == [] and stand_in.rounds() == [] and stand_in.best_today() is None
    assert stand_in.path == tmp_path
