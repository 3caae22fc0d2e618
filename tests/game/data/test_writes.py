"""Every file written the same way, against the real file system and a real SQLite database.

The command line (real `python main.py` subprocesses): a folder, a device, a pipe or a missing folder as a
target is refused with one line and exit 2, the device still a device; a full disk (a tiny tmpfs filled
up, or RLIMIT_FSIZE where no tmpfs can be mounted) and a read-only folder (a tmpfs remounted read-only)
give one line and exit 2 with the old file intact and no temporary left; the folders `--reports` and
`--events` name are made; `--data` naming a file or an unusable folder exits 2 in words. File names keep
the letters of every script and never collide; emails match by Unicode case folding; user text is
printed escaped. The kiosk, driven headless: started on an unusable data folder it plays and says it
cannot save; a save on a full disk is said on screen and logged, and the visitor stays where they were.
"""
import csv
import errno
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pygame
import pytest

from engine.files import WriteError, atomic_file, check_target, ensure_folder
from engine.load import builtin_dir, load
from engine.words import printable
from game.data.report import FileNames, event_log_names, file_slug
from game.data.store import SaveError, Store, email_key
from taps import settle

ROOT = Path(__file__).resolve().parents[3]
TUTORIAL = builtin_dir() / "tutorial.yaml"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def main(*args, cwd=None, limit_file_size=None, timeout=120):
    """`python main.py ARGS` in a subprocess: (exit code, stdout, stderr)."""
    def limit():
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, resource.RLIM_INFINITY))

    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=cwd or ROOT, env=env,
                       capture_output=True, text=True, timeout=timeout,
                       preexec_fn=limit if limit_file_size is not None else None)
    return r.returncode, r.stdout, r.stderr


def no_traceback(err: str) -> bool:
    return "Traceback" not in err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# --- mounts: a full disk and a read-only one, for real -----------------------------------------------


def _mount(*args) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    """A 256 KiB tmpfs of our own (root only), unmounted afterwards."""
    if not IS_ROOT:
        pytest.skip("mounting a tmpfs needs root")
    where = tmp_path / "disk"
    where.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)):
        pytest.skip("cannot mount a tmpfs here")
    yield where
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> None:
    """Fill `disk` to its last free block."""
    with open(disk / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as e:
            assert e.errno == errno.ENOSPC


def read_only(folder: Path) -> None:
    assert _mount("-o", "remount,ro", str(folder)), "remount read-only"


def leftovers(folder: Path, keep) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# --- the writer itself --------------------------------------------------------------------------------


def test_a_device_a_pipe_and_a_folder_are_refused_and_left_alone(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match="pipe"):
        with atomic_file(fifo) as f:
            f.write("x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(WriteError, match="is a folder"):
        check_target(tmp_path)
    with pytest.raises(WriteError, match="no such folder"):
        check_target(tmp_path / "nope" / "x.csv")
    assert leftovers(tmp_path, {"pipe"}) == []


def test_a_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with atomic_file(link) as f:
        f.write("new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "shared.csv"
    path.write_text("old")
    path.chmod(0o644)
    with atomic_file(path) as f:
        f.write("new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_ensure_folder_makes_a_folder_and_refuses_a_file_in_the_way(tmp_path):
    assert ensure_folder(tmp_path / "a" / "b").is_dir()
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(WriteError, match="is a pipe"):
        ensure_folder(tmp_path / "pipe")
    (tmp_path / "file").write_text("x")
    with pytest.raises(WriteError, match="is a file"):
        ensure_folder(tmp_path / "file")
    with pytest.raises(WriteError, match="file, not a folder"):
        ensure_folder(tmp_path / "file" / "sub")


def test_printable_escapes_controls_and_keeps_letters():
    assert printable("Команда\x1b[2J\nチーム\u202e") == "Команда\\x1b[2J\\nチーム\\u202e"
    assert printable("Zoë 🚀") == "Zoë 🚀"


# --- the command line: targets that are not regular files -------------------------------------------


def device(tmp_path) -> Path:
    """A character device of our own, like /dev/full (root only), so the real /dev is never at risk."""
    if not IS_ROOT:
        pytest.skip("making a device node needs root")
    node = tmp_path / "full"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    return node


@pytest.fixture
def data(tmp_path):
    """A data folder with a lead and two workshop rounds on the tutorial (its real SQLite database)."""
    folder = tmp_path / "data"
    with Store.open(folder) as st:
        st.add_lead("Zoë", "Acme", "zoë@example.com", consent=True)
        st.add_round("Blue", "tutorial", 500, workshop="w", scenario_path=str(TUTORIAL), seed=1)
    return folder


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
@pytest.mark.parametrize("command", ["leads", "results", "simulate"])
def test_a_special_target_is_refused_with_exit_2_and_left_as_it_was(tmp_path, data, kind, command):
    if kind == "device":
        target = device(tmp_path)
    elif kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = tmp_path / "folder"
        target.mkdir()
    before = os.stat(target).st_mode
    args = {"leads": ["leads", "--export", target, "--data", data],
            "results": ["results", "--export", target, "--data", data],
            "simulate": ["simulate", TUTORIAL, "--reps", "1", "--events-csv", target]}[command]
    code, out, err = main(*args)
    assert code == 2, err
    line = one_error_line(err)
    assert {"device": "is a device", "fifo": "is a pipe", "folder": "is a folder"}[kind] in line
    assert os.stat(target).st_mode == before  # still the device, the pipe, the folder
    assert leftovers(tmp_path, {"data", target.name}) == []


def test_dev_full_itself_stays_a_device(data):
    if not os.path.exists("/dev/full") or not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        pytest.skip("no /dev/full here")
    code, out, err = main("leads", "--export", "/dev/full", "--data", data)
    assert code == 2 and "is a device" in one_error_line(err)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_par_file_in_the_way_is_refused_before_the_search(tmp_path):
    scenario = tmp_path / "tutorial.yaml"
    scenario.write_text(TUTORIAL.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "tutorial.par.json").mkdir()
    code, out, err = main("optimize", scenario, "--write-par", "--seconds", "60")
    assert code == 2 and "tutorial.par.json: is a folder" in one_error_line(err)
    assert out == ""  # refused before the search, not after a minute of it


@pytest.mark.parametrize("command", ["leads", "results", "simulate"])
def test_a_missing_folder_is_named_and_nothing_is_written(tmp_path, data, command):
    target = tmp_path / "nope" / "out.csv"
    args = {"leads": ["leads", "--export", target, "--data", data],
            "results": ["results", "--export", target, "--data", data],
            "simulate": ["simulate", TUTORIAL, "--reps", "1", "--events-csv", target]}[command]
    code, out, err = main(*args)
    assert code == 2 and one_error_line(err).endswith("nope: no such folder")
    assert not (tmp_path / "nope").exists()


# --- the command line: a full disk and a read-only folder --------------------------------------------


def test_an_event_log_on_a_full_disk_keeps_the_good_one(tmpfs):
    log = tmpfs / "events.csv"
    log.write_text("the good log\n")
    fill(tmpfs)
    code, out, err = main("simulate", TUTORIAL, "--reps", "1", "--events-csv", log)
    assert code == 2 and "the disk is full" in one_error_line(err)
    assert log.read_text() == "the good log\n"
    assert leftovers(tmpfs, {"events.csv", "filler"}) == []


def test_an_event_log_larger_than_the_system_allows_keeps_the_good_one(tmp_path):
    """The same through RLIMIT_FSIZE, which needs no mount: the write fails half-way (EFBIG)."""
    log = tmp_path / "events.csv"
    log.write_text("the good log\n")
    code, out, err = main("simulate", TUTORIAL, "--reps", "1", "--events-csv", log, limit_file_size=4096)
    assert code == 2 and "larger than this system allows" in one_error_line(err)
    assert log.read_text() == "the good log\n"
    assert leftovers(tmp_path, {"events.csv"}) == []


@pytest.mark.parametrize("command", ["leads", "results"])
def test_an_export_on_a_full_disk_keeps_the_old_file(tmpfs, data, command):
    out_file = tmpfs / "out.csv"
    out_file.write_text("old export\n")
    with Store.open(data) as st:  # enough rows that the new file needs more than the page it has
        for i in range(60):
            st.add_lead(f"Visitor {i}" * 3, "Company " * 8, f"v{i}@example.com", consent=True)
            st.add_round(f"Team {i}", "tutorial", 400 + i, workshop="w", rules={"a" * 40: 1, "b" * 40: 2})
    fill(tmpfs)
    code, out, err = main(command, "--export", out_file, "--data", data)
    assert code == 2 and "the disk is full" in one_error_line(err)
    assert out_file.read_text() == "old export\n"
    assert leftovers(tmpfs, {"out.csv", "filler"}) == []


@pytest.mark.parametrize("command", ["leads", "results", "simulate"])
def test_a_read_only_folder_says_so_and_keeps_the_old_file(tmpfs, data, command):
    out_file = tmpfs / "out.csv"
    out_file.write_text("old\n")
    read_only(tmpfs)
    args = {"leads": ["leads", "--export", out_file, "--data", data],
            "results": ["results", "--export", out_file, "--data", data],
            "simulate": ["simulate", TUTORIAL, "--reps", "1", "--events-csv", out_file]}[command]
    code, out, err = main(*args)
    assert code == 2 and "read-only" in one_error_line(err)
    assert out_file.read_text() == "old\n"


@pytest.mark.slow
def test_reports_and_events_folders_are_made_and_every_debrief_reported_is_on_disk(tmp_path, data):
    with Store.open(data) as st:  # a second team whose name makes the same slug
        st.add_round("BLUE!", "tutorial", 600, workshop="w", scenario_path=str(TUTORIAL), seed=2)
    reports, events = tmp_path / "out" / "reports", tmp_path / "out" / "events"
    code, out, err = main("results", "--export", tmp_path / "out" / "results.csv", "--reports", reports,
                          "--events", events, "--data", data, timeout=300)
    assert code == 0, err
    assert sorted(p.name for p in reports.iterdir()) == ["debrief-blue-2.pdf", "debrief-blue-2.png",
                                                         "debrief-blue.pdf", "debrief-blue.png"]
    assert err.count("debrief written to") == 4
    assert sorted(p.name for p in events.iterdir()) == ["events-w-blue-2-round-1.csv", "events-w-blue-round-1.csv"]


def test_screenshots_into_a_device_exit_2_and_leave_it_alone(tmp_path):
    node = device(tmp_path)
    code, out, err = main("screenshots", node, "--size", "640x360")
    assert code == 2 and "is a device, not a folder" in one_error_line(err)
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_a_reports_folder_that_is_a_file_writes_nothing(tmp_path, data):
    (tmp_path / "reports").write_text("x")
    code, out, err = main("results", "--export", tmp_path / "results.csv", "--reports", tmp_path / "reports",
                          "--data", data)
    assert code == 2 and "reports: is a file, not a folder" in one_error_line(err)
    assert not (tmp_path / "results.csv").exists()  # checked before the CSV was written


# --- --data that cannot be used -------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["leads"], ["results"], ["leads", "--forget", "a@b.co"]])
def test_data_naming_a_file_exits_2_in_words(tmp_path, command):
    (tmp_path / "notes.txt").write_text("not a folder")
    code, out, err = main(*command, "--data", tmp_path / "notes.txt")
    assert code == 2 and "notes.txt: is a file, not a folder" in one_error_line(err) and no_traceback(err)


def test_data_on_a_read_only_disk_exits_2_in_words(tmpfs):
    read_only(tmpfs)
    code, out, err = main("leads", "--data", tmpfs / "data")
    assert code == 2 and "read-only" in one_error_line(err)


def test_data_naming_a_broken_database_exits_2_in_words(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "processplay.sqlite3").write_bytes(b"this is not SQLite" * 100)
    code, out, err = main("leads", "--data", tmp_path / "data")
    assert code == 2 and "not a ProcessPlay database" in one_error_line(err)


# --- names ---------------------------------------------------------------------------------------------


def test_slugs_keep_every_script_and_never_collide():
    assert file_slug("Команда") == "команда" and file_slug("チーム") == "チーム"
    assert file_slug("हिन्दी टीम") == "हिन्दी-टीम"  # the vowel signs are marks: kept
    assert file_slug("e\u0301quipe") == "\u00e9quipe"  # NFC
    assert file_slug('a<b>c:d"e/f\\g|h?i*j\x00k') == "a-b-c-d-e-f-g-h-i-j-k"
    assert file_slug("CON") != "con" and file_slug("...") == "team"
    assert len(file_slug("日本語" * 100).encode()) <= 80
    names = FileNames()
    stems = [names.stem(t, f"debrief-{file_slug(t)}") for t in ["Team A", "team a", "Team-A!", "Команда", "チーム"]]
    assert stems == ["debrief-team-a", "debrief-team-a-2", "debrief-team-a-3", "debrief-команда", "debrief-チーム"]
    assert names.stem("Team A", "anything") == "debrief-team-a"  # the same team, the same name


def test_event_logs_of_teams_named_alike_get_their_own_files(tmp_path):
    data = tmp_path / "data"
    teams = ["Команда", "チーム", "Team A", "team a", "Team-A!", "Team\x1b[31m"]
    with Store.open(data) as st:
        for t in teams:
            st.add_round(t, "tutorial", 500, workshop="Семинар", scenario_path=str(TUTORIAL), seed=1)
        names = [name for _, name in event_log_names(st.rounds())]
    assert len(set(n.casefold() for n in names)) == len(teams)
    code, out, err = main("results", "--events", tmp_path / "events", "--data", data, timeout=300)
    assert code == 0, err
    on_disk = sorted(p.name for p in (tmp_path / "events").iterdir())
    assert on_disk == sorted(names) and len(on_disk) == len(teams)
    assert "events-семинар-команда-round-1.csv" in on_disk and "events-семинар-チーム-round-1.csv" in on_disk
    assert "\x1b" not in err and "Team\\x1b[31m" in err  # the name printed escaped


def test_the_round_list_prints_names_escaped(tmp_path):
    with Store.open(tmp_path / "data") as st:
        st.add_round("Evil\x1b]0;pwned\x07", "tutorial", 1, workshop="w")
    code, out, err = main("results", "--data", tmp_path / "data")
    assert code == 0 and "\x1b" not in out and "Evil\\x1b]0;pwned\\x07" in out


# --- emails ---------------------------------------------------------------------------------------------


def test_forget_matches_emails_by_unicode_case_folding(tmp_path, data):
    with Store.open(data) as st:
        st.add_lead("Zoë again", "", "Zoe\u0308@Example.com", consent=True)  # decomposed, mixed case
        st.add_lead("Other", "", "other@example.com", consent=True)
        # a row as an older version kept it, written straight to the table
        st.backend.conn.execute("INSERT INTO leads (name, email, consent_at, created)"
                                " VALUES ('Old', 'ZOË@example.COM', '2025-01-01', '2025-01-01')")
    code, out, err = main("leads", "--forget", "ZOË@EXAMPLE.COM", "--data", data)
    assert code == 0 and err.startswith("3 lead(s)"), err
    with Store.open(data) as st:
        assert [lead.email for lead in st.leads()] == ["other@example.com"]
    assert email_key("STRASSE@x.de") == email_key("straße@X.DE")


def test_forget_prints_the_address_escaped(data):
    code, out, err = main("leads", "--forget", "\x1b[2Jx@y.zz", "--data", data)
    assert code == 0 and "\x1b" not in err and "\\x1b[2J" in err


# --- the kiosk --------------------------------------------------------------------------------------


def kiosk(app):
    from game.modes.kiosk.mode import KioskOptions, install

    k = install(app, KioskOptions())
    app.settings.background_par = False
    return k


def graded_round():
    from game.play.round import Round

    rnd = Round(load(builtin_dir() / "customer_service.yaml"))
    rnd.outcome = SimpleNamespace(grade=SimpleNamespace(score=1712.5, stars=2, map_score=90),
                                           kpis={"profit": 1.0})
    return rnd


def type_initials(app, scene, letters="ADA"):
    for ch in letters:
        scene.type(ch)
    settle(app)  # the screen that has just appeared drops taps for a moment (game.core.scene.TapGuard)
    app.step(1 / 30, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=scene.save_button.rect.center, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=scene.save_button.rect.center, button=1)])


def test_a_kiosk_on_a_data_file_plays_without_saving_and_says_so(mode_app, tmp_path):
    from game.modes.kiosk.initials import SCORE_NOT_KEPT, InitialsScene
    from game.modes.shared import storage_problem

    (tmp_path / "notes.txt").write_text("not a folder")
    mode_app.data_dir = tmp_path / "notes.txt"
    k = kiosk(mode_app)
    guard = mode_app.on_error
    for _ in range(60):  # the attract screen draws the day's best every frame
        mode_app.step(1 / 30, [])
    assert guard.crashes == 0 and k.state == "attract"
    assert "is a file, not a folder" in storage_problem(mode_app)
    k.play()
    scene = mode_app.stack.replace(InitialsScene(mode_app, graded_round(), k))
    assert scene.message == SCORE_NOT_KEPT  # said before the visitor types
    type_initials(mode_app, scene)
    assert mode_app.stack.top is scene and k.state == "play" and not scene.saved
    assert "couldn't save your score" in scene.message and "staff" in scene.message
    assert str(tmp_path) not in scene.message  # no raw path for a visitor
    assert guard.crashes == 0


def test_main_kiosk_on_a_data_file_runs_and_exits_0(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    r = subprocess.run([sys.executable, "main.py", "--kiosk", "--headless", "--frames", "90", "--data",
                        str(tmp_path / "notes.txt")], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"})
    assert r.returncode == 0, r.stderr
    assert "nothing will be saved" in r.stderr and "Traceback" not in r.stderr  # the log's lines, on stderr
    assert (tmp_path / "notes.txt").read_text() == "not a folder"


def test_a_full_disk_while_saving_a_score_is_said_logged_and_the_visitor_stays(mode_app, tmpfs):
    from game.modes.kiosk.mode import InitialsScene, LeadScene
    from game.modes.shared import log_path, store

    mode_app.data_dir = tmpfs / "data"
    k = kiosk(mode_app)
    store(mode_app).add_score("BOB", "customer-service", 100)  # the database works, then the disk fills up
    # the disk full to its last block: the database's next page cannot be had; the log, made at start (the
    # crash guard's first line), still has room in its last block for a few lines, as a real log would
    fill(tmpfs)
    k.play()
    rnd = graded_round()
    lead = mode_app.stack.replace(LeadScene(mode_app, rnd, k))
    for f, text in zip(lead.fields, ["Ada Lovelace", "Engines", "ada@example.com"]):
        f.type(text)
    lead.toggle_consent()
    lead.send()
    assert mode_app.stack.top is lead and "couldn't save your details" in lead.message
    assert store(mode_app).leads() == []
    scene = mode_app.stack.replace(InitialsScene(mode_app, rnd, k))
    type_initials(mode_app, scene)
    for _ in range(30):
        mode_app.step(1 / 30, [])
    assert mode_app.stack.top is scene and k.state == "play" and not scene.saved  # not sent to attract
    assert "couldn't save your score" in scene.message and "staff" in scene.message
    log = log_path(mode_app).read_text()
    assert "Could not save your details" in log and "Could not save your score" in log and "full" in log
    assert [s.initials for s in store(mode_app).top_all_time()] == ["BOB"]  # nothing half-stored
    assert mode_app.on_error.crashes == 0
    (tmpfs / "filler").unlink()  # room again: the same visitor's save now works
    scene = mode_app.stack.replace(InitialsScene(mode_app, rnd, k))
    type_initials(mode_app, scene)
    assert scene.saved and mode_app.stack.top.name == "boards"


def test_a_full_disk_while_recording_a_workshop_round_is_said_and_logged(mode_app, tmpfs):
    from game.modes.workshop.mode import install
    from game.modes.shared import log_path, store

    mode_app.data_dir = tmpfs / "data"
    workshop = install(mode_app, workshop="w")
    workshop.add_team("Blue")
    fill(tmpfs)
    rnd = graded_round()
    o = SimpleNamespace(grade=SimpleNamespace(score=500.0, stars=1, map_score=80, baseline=1.0, par=2.0),
                        kpis={"profit": 1.0}, result=SimpleNamespace(seed=1), baseline_kpis={}, par_kpis={})
    rnd.outcome = o
    assert workshop.record(rnd) is None
    assert "Couldn't save the round of Blue" in rnd.save_failed
    assert "full" in log_path(mode_app).read_text()
    assert store(mode_app).rounds() == []


def test_a_workshop_on_a_data_file_says_nothing_can_be_saved(mode_app, tmp_path):
    from game.modes.workshop.mode import install
    from game.modes.workshop.team_name import TeamNameScene

    (tmp_path / "notes.txt").write_text("not a folder")
    mode_app.data_dir = tmp_path / "notes.txt"
    workshop = install(mode_app, workshop="w")
    for _ in range(10):
        mode_app.step(1 / 30, [])
    top = mode_app.stack.top
    assert top.name == "workshop" and top.message.startswith("Nothing can be saved:") and "not a folder" in top.message
    names = mode_app.stack.push(TeamNameScene(mode_app, workshop))
    names.field.type("Blue")
    names.add()
    assert mode_app.stack.top is names and names.message.startswith("Couldn't save the team")
    assert mode_app.on_error.crashes == 0
