"""Bad input and faults at the service, on SQLite and PostgreSQL: every one is a sentence naming
what is wrong (a field, an id), nothing is written, and no message or log line carries a
patient's name or a note.

Kinds (each a table): invisible and control characters in names and ids; values outside a
field's limits or of the wrong kind; messages that must name ids, not names; database faults
(read-only file, full disk, server gone mid-write, unknown database or role, read-only role).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import STAFF, as_role, sample_patient  # noqa: E402

from workbench import records as r  # noqa: E402
from workbench.errors import DatabaseFault, DatabaseNotReady, InvalidInput, NotFound, WorkbenchError  # noqa: E402
from workbench.service import Workbench  # noqa: E402

#: what no message or log line may contain: the sample patients' names, their contacts, a note
SECRETS = ("Ada", "Lovelace", "Ben", "Franklin", "Bo Lovelace", "private-note-text")


@pytest.fixture(autouse=True)
def log_file(tmp_path, monkeypatch):
    path = tmp_path / "workbench.log"
    monkeypatch.setenv("WORKBENCH_LOG", str(path))
    return path


def _no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into: {text[:300]}"


def _refused(fn, exc=WorkbenchError, match: str | None = None):
    with pytest.raises(exc) as err:
        fn()
    text = str(err.value)
    assert "Traceback" not in text and "[SQL:" not in text and "parameters" not in text
    _no_secrets(text)
    if match:
        assert match in text, text
    return text


# ----------------------------------------------------------------- invisible and control characters

BAD_NAMES = [
    ("zero-width only", "\u200b\u200c\u200d", "no visible character"),
    ("word joiner and BOM only", "\u2060\ufeff", "no visible character"),
    ("next line (NEL)", "Ann\x85Smith", "one line of text"),
    ("line separator", "Ann\u2028Smith", "one line of text"),
    ("paragraph separator", "Ann\u2029Smith", "one line of text"),
    ("terminal escape", "Ann\x1b[31mSmith", "one line of text"),
    ("C1 control", "Ann\x9bSmith", "one line of text"),
]


@pytest.mark.parametrize("label,name,match", BAD_NAMES, ids=[c[0] for c in BAD_NAMES])
def test_names_without_a_visible_character_or_with_controls_are_refused(wb, label, name, match):
    system = wb.as_user("S004")
    _refused(lambda: system.add_user(r.User("S100", name, r.Role.CARE_MANAGER, r.Credential.RN, "NY")),
             InvalidInput, match)
    bundle = sample_patient("P00100", first_name=name)
    _refused(lambda: system.add_patient(bundle), InvalidInput)
    assert [u for u in system.users() if u.id == "S100"] == []
    with pytest.raises(NotFound):
        system.chart("P00100")


BAD_IDS = [("NEL", "S1\x852"), ("line separator", "S1\u20282"), ("zero-width space", "S1\u200b2"),
           ("escape", "S1\x1b2"), ("direction override", "S1\u202e2")]


@pytest.mark.parametrize("label,uid", BAD_IDS, ids=[c[0] for c in BAD_IDS])
def test_ids_with_controls_or_invisible_characters_are_refused(wb, label, uid):
    system = wb.as_user("S004")
    text = _refused(lambda: system.add_user(r.User(uid, "Ann Smith", r.Role.CARE_MANAGER, r.Credential.RN, "NY")),
                    InvalidInput, "may not contain")
    assert "\\" in text  # the character is shown escaped, never raw
    assert all(u.id != uid for u in system.users())


@pytest.mark.parametrize("given", ["F4\ufeff3B", "\ufeffF43B", "F43B\ufeff"])
def test_a_byte_order_mark_anywhere_is_removed_from_ids_and_names(wb, given):
    system = wb.as_user("S004")
    system.add_user(r.User(given, "Fay\ufeff Ortiz", r.Role.CARE_MANAGER, r.Credential.RN, "NY"))
    user = system.get_user("F43B")
    assert user.id == "F43B" and user.name == "Fay Ortiz"


@pytest.mark.parametrize("note,stored", [("called\x85back", "called\nback"), ("a\u2028b", "a\nb"),
                                         ("a\u2029b\ufeff", "a\nb")])
def test_line_separators_in_notes_become_line_breaks_and_escapes_are_refused(wb, clock, note, stored):
    entry = wb.log_time("P00001", 5, "care_plan", note)
    assert entry.note == stored
    _refused(lambda: wb.log_time("P00001", 5, "care_plan", "x\x1b[2Jy"), InvalidInput, "control character")


def test_pages_never_render_control_characters():
    from workbench.ui.html import esc

    assert esc("a\x1b[31mb\x9bc\ufeffd\u2028e") == "a[31mbcd\ne"


# ----------------------------------------------------------------- limits and kinds, before the database

def _limit_cases(wb):
    system = wb.as_user("S004")
    med_id = wb.medications("P00001")[0].id
    return [
        ("follow-up due 9999-12-31", lambda: wb.schedule_follow_up(
            "P00001", datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "check in"), "due time"),
        ("medicine id beyond any row", lambda: wb.change_medication(2**70, dose="5 mg", reason="lower"),
         "Medicine id"),
        ("medicine id as text", lambda: wb.change_medication("12", dose="5 mg", reason="lower"), "Medicine id"),
        ("medicine None", lambda: wb.add_medication("P00001", None, "reconciled"), "Medication"),
        ("medicine a string", lambda: wb.add_medication("P00001", "aspirin", "reconciled"), "Medication"),
        ("patient None", lambda: system.add_patient(None), "PatientBundle"),
        ("patient a string", lambda: system.add_patient("P00009"), "PatientBundle"),
        ("birth date 9999-12-31", lambda: system.add_patient(sample_patient(
            "P00101", **{}).__class__(patient=r.Patient(id="P00101", first_name="Al", last_name="Bo",
                                                         birth_date="9999-12-31", sex="F"))), "birth_date"),
        ("time on 9999-12-31", lambda: wb.log_time("P00001", 5, "care_plan", "x",
                                                    service_date="9999-12-31"), "9999-12-31"),
        ("practice patient's care team names unknown staff", lambda: system.add_training_patient(
            r.PatientBundle(patient=r.Patient(id="T-P1", first_name="Al", last_name="Bo",
                                              birth_date="1950-01-01", sex="F", scope="training:A1",
                                              care_team_member_id="NOBODY")),
            "A1", "S007", "scenario-x"), "NOBODY"),
        ("name too long", lambda: system.add_user(r.User("S101", "x" * 5000, r.Role.CARE_MANAGER)),
         "characters long"),
        ("stopped medicine change with huge id", lambda: wb.change_medication(med_id + 2**40, stop=True,
                                                                                reason="x"), "Medicine id"),
    ]


def test_values_outside_limits_or_of_the_wrong_kind_are_sentences_naming_the_field(wb, log_file):
    before = (wb.count("medications"), wb.count("time_entries"), wb.count("patients"))
    for label, call, match in _limit_cases(wb):
        text = _refused(call, WorkbenchError)
        assert match in text, f"{label}: {text}"
    assert (wb.count("medications"), wb.count("time_entries"), wb.count("patients")) == before
    if log_file.exists():
        _no_secrets(log_file.read_text())


# ----------------------------------------------------------------- messages name ids; timers

def test_timer_messages_name_the_patient_id_never_the_name(wb, clock):
    wb.start_timer("P00001", note="private-note-text")
    for call in (lambda: wb.start_timer("P00002"), lambda: wb.start_timer("P00001"),
                 lambda: wb.as_user("S001").start_timer("P00002", note="x")):
        text = _refused(call, WorkbenchError, "P00001")
        assert "running since" in text


@pytest.mark.parametrize("wait", [0, 0.2, 0.999])
def test_a_timer_stopped_under_a_second_is_refused_and_writes_nothing(wb, clock, wait):
    wb.start_timer("P00001", note="call")
    clock.advance(seconds=wait)
    _refused(lambda: wb.stop_timer(), InvalidInput, "less than a second")
    assert wb.count("time_entries") == 0 and wb.running_timer() is not None
    clock.advance(seconds=30)
    assert wb.stop_timer().seconds == 30


# ----------------------------------------------------------------- database faults

def _sqlite_path(url: str) -> str:
    return url[len("sqlite:///"):]


def _write_cases(w):
    return [lambda: w.log_time("P00001", 5, "care_plan", "private-note-text"),
            lambda: w.add_patient(sample_patient("P00200", first_name="Ada")),
            lambda: w.start_timer("P00002", note="private-note-text")]


def test_a_read_only_sqlite_file_is_a_sentence_and_nothing_leaks(sqlite_url, clock, log_file):
    system = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    from workbench.store.engine import make_engine

    ro = make_engine(f"sqlite:///file:{_sqlite_path(sqlite_url)}?mode=ro&uri=true")
    try:
        w = Workbench(ro, system.get_user("S004"), clock)
        for call in _write_cases(w):
            _refused(call, DatabaseFault, "read-only")
    finally:
        ro.dispose()
    assert system.count("time_entries") == 0 and system.count("patients") == 2
    _no_secrets(log_file.read_text())
    assert "[parameters: redacted]" in log_file.read_text() or "hidden" not in log_file.read_text()


def _addressed(pid: str, address: str) -> r.PatientBundle:
    import dataclasses

    b = sample_patient(pid)
    return dataclasses.replace(b, patient=dataclasses.replace(b.patient, address=address))


def test_a_full_disk_is_a_sentence_and_nothing_is_half_written(sqlite_url, clock, log_file, tmp_path):
    """SQLite's max_page_count makes the database file full for real (SQLITE_FULL), as a full disk."""
    system = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    from workbench.store.engine import make_engine

    import sqlite3

    raw = sqlite3.connect(_sqlite_path(sqlite_url), isolation_level=None)
    raw.execute("VACUUM")  # no free pages left inside the file: a full disk is full
    raw.close()
    full = make_engine(sqlite_url)

    @event.listens_for(full, "connect")
    def _cap(dbapi_conn, _rec):
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    try:
        w = Workbench(full, system.get_user("S004"), clock)
        big = "private-note-text " * 200
        from workbench.intake import importer, time_entries

        pfile, tfile = tmp_path / "patients.csv", tmp_path / "time.csv"
        pfile.write_text("patient_id,first_name,last_name,birth_date,sex,state,conditions,consent_date,"
                         "consent_method,address\n" + "".join(
                             f'P{n:05d},Ada,Lovelace,1950-01-01,F,NY,I10,,,"{big}"\n' for n in range(500, 600)))
        tfile.write_text("entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id\n"
                         + "".join(f"E{n},P00001,S001,2026-11-0{1 + n % 9}T09:00:00-05:00,,5,care_plan,{big},\n"
                                   for n in range(300)))
        cases = [lambda: w.load_panel(r.Panel(staff=[], patients=[
                     _addressed(f"P{n:05d}", big) for n in range(301, 341)])),
                 lambda: importer.import_patients(w, pfile),
                 lambda: time_entries.import_time(w, tfile)]
        for call in cases:
            before = (system.count("patients"), system.count("time_entries"), system.count("conditions"))
            _refused(call, DatabaseFault, "full")
            assert (system.count("patients"), system.count("time_entries"), system.count("conditions")) == before
    finally:
        full.dispose()
    _no_secrets(log_file.read_text())


def test_postgresql_unknown_database_role_and_stopped_server_are_named(pg_server):
    from tests.conftest import new_app_database

    url = new_app_database(pg_server)
    cases = [(url + "_missing", "has no database"),
             (as_role(url, "nobody_here"), 'no role "nobody_here"'),
             ("postgresql://ccm_app@127.0.0.1:1/none", "Cannot reach the PostgreSQL server"),
             ("mysql://u@localhost/db", "mysql://"),
             ("oracle://u@localhost/db", "oracle://")]
    for target, match in cases:
        with pytest.raises((DatabaseNotReady, DatabaseFault)) as err:
            Workbench.open(target)
        assert match in str(err.value), str(err.value)
        assert "Traceback" not in str(err.value)


def test_postgresql_server_gone_mid_write_is_a_sentence_and_rolls_back(pg_server, clock, log_file):
    """The server ends the connection in the middle of a unit of work, as a fast shutdown does."""
    import psycopg

    from tests.conftest import _plain, new_app_database

    url = new_app_database(pg_server)
    system = Workbench.open(url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    w = system.as_user("S001")

    def kill_own_backend(conn, *_a):
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with psycopg.connect(_plain(pg_server) + "/postgres", autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    for call in _write_cases(w):
        event.listen(w.engine, "begin", kill_own_backend)
        try:
            _refused(call, DatabaseFault, "Cannot reach the PostgreSQL server")
        finally:
            event.remove(w.engine, "begin", kill_own_backend)
    w.engine.dispose()
    assert system.count("time_entries") == 0 and system.count("timers") == 0
    _no_secrets(log_file.read_text())


def test_postgresql_read_only_role_is_a_sentence(pg_server, clock):
    from tests.conftest import new_app_database
    from workbench.store.roles import READONLY_ROLE

    url = new_app_database(pg_server)
    system = Workbench.open(url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    ro = Workbench.open(as_role(url, READONLY_ROLE), clock=clock).as_user("S001")
    for call in _write_cases(ro):
        _refused(call, DatabaseFault, "permission denied")
    assert system.count("time_entries") == 0
