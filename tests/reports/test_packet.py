"""The audit packet of one patient-month (docs/billing-approval.md), on SQLite and PostgreSQL,
and ``workbench report packet`` / ``workbench init --approval`` on the command line."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from tests.ui.approval_seed import seed_approval_practice
from workbench.cli import main
from workbench.errors import NotFound, PermissionDenied
from workbench.export.packet_pdf import packet_pdf


@pytest.fixture
def practice(db_url, clock):
    wb = seed_approval_practice(db_url, clock)
    month = wb.today().strftime("%Y-%m")
    ids = [e.id for e in wb.time_entries("P00001")]
    wb.as_user("S004").approve_time(ids)
    wb.as_user("S005").sign_claims(month, "P00001")
    return wb, month, ids


def test_the_packet_lists_consent_plan_entries_approvals_codes_and_rules(practice) -> None:
    wb, month, ids = practice
    p = wb.as_user("S005").audit_packet("P00001", month)
    assert p["patient"]["id"] == "P00001" and p["month"] == month and p["approval_required"] is True
    (consent,) = p["consents"]
    assert consent["method"] == "verbal" and consent["billing_practitioner"] == "S005"
    assert consent["text_version"] == wb.consents("P00001")[0].text_version and consent["text_version"]
    assert p["care_plan"]["version"] == 1 and p["care_plan"]["author"] == "S001"
    assert [e["entry_id"] for e in p["time_entries"]] == ids
    for e in p["time_entries"]:
        assert (e["staff_id"], e["credential"], e["role"], e["state"]) == ("S001", "RN", "care_manager", "current")
        assert e["approval"]["by"] == "S004" and e["approval"]["role"] == "supervisor"
    assert [c["code"] for c in p["claim"]["codes"]] == ["99490"]
    assert "20 minutes" in p["claim"]["codes"][0]["why"]
    assert p["claim"]["signature"]["by"] == "S005" and p["claim"]["signature"]["entry_ids"] == ids
    assert p["claim"]["lines"][0]["status"] == "ready"
    assert p["rules"]["table_year"] == int(month[:4])
    data = packet_pdf(p)
    text = " ".join(" ".join(pg.extract_text().split()) for pg in PdfReader(_pdf(data)).pages)
    assert data.startswith(b"%PDF") and "Care plan version 1" in text and f"Entry {ids[0]}" in text


def _pdf(data: bytes):
    import io

    return io.BytesIO(data)


def test_the_packets_times_are_practice_times(db_url, clock) -> None:
    """Signed at 8:30 pm in New York on 30 November, already 1 December in UTC: the packet, its
    PDF and the month page say the 30th."""
    from datetime import UTC, datetime

    from workbench.ui.approval_panel import packet_html

    wb = seed_approval_practice(db_url, clock)
    month = wb.today().strftime("%Y-%m")
    wb.as_user("S004").approve_time([e.id for e in wb.time_entries("P00001")])
    clock.set(datetime(2026, 12, 1, 1, 30, tzinfo=UTC))
    wb.as_user("S005").sign_claims(month, "P00001")
    p = wb.as_user("S005").audit_packet("P00001", month)
    assert p["claim"]["signature"]["at"] == "2026-11-30T20:30:00-05:00"
    assert p["generated_at"].startswith("2026-11-30T20:30")
    assert "on 2026-11-30 for" in packet_html(p)
    text = " ".join(" ".join(pg.extract_text().split()) for pg in PdfReader(_pdf(packet_pdf(p))).pages)
    assert "on 2026-11-30 for" in text and "2026-12-01" not in text


def test_a_voided_entry_is_listed_voided_without_its_approval_counting(practice) -> None:
    wb, month, ids = practice
    wb.as_user("S001").void_time(ids[0], "Wrong patient")
    p = wb.audit_packet("P00001", month)
    states = {e["entry_id"]: e["state"] for e in p["time_entries"]}
    assert states[ids[0]] == "voided" and states[ids[1]] == "current"
    void = [e for e in p["time_entries"] if e["supersedes"] == ids[0]]
    assert void and void[0]["correction_reason"] == "Wrong patient"


def test_billing_staff_get_the_packet_without_notes_or_plan_text(practice) -> None:
    wb, month, _ = practice
    billing = wb.as_user("S006").audit_packet("P00001", month)
    assert all(e["note"] is None for e in billing["time_entries"])
    assert billing["care_plan"]["content"] is None and billing["care_plan"]["version"] == 1
    chart = wb.as_user("S005").audit_packet("P00001", month)
    assert chart["time_entries"][0]["note"] == "Check-in" and chart["care_plan"]["content"]


def test_the_packet_is_refused_to_whoever_may_not_read_billing(practice) -> None:
    wb, month, _ = practice
    from workbench import records as r

    wb.add_user(r.User("S007", "Tess Trainee", r.Role.TRAINEE, r.Credential.RN, "NY"))
    with pytest.raises(PermissionDenied):
        wb.as_user("S007").audit_packet("P00001", month)
    with pytest.raises(NotFound):
        wb.audit_packet("P09999", month)


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    wb = seed_approval_practice(url)
    return url, wb.today().strftime("%Y-%m")


def test_report_packet_writes_json_and_pdf(cli_db, tmp_path, capsys) -> None:
    url, month = cli_db
    out = tmp_path / "p.json"
    assert main(["report", "packet", "--patient", "P00002", "--month", month, "-o", str(out), "--db", url]) == 0
    packet = json.loads(out.read_text(encoding="utf-8"))
    assert packet["patient"]["id"] == "P00002" and packet["claim"]["lines"][0]["status"] == "hold"
    assert packet["claim"]["lines"][0]["reason_codes"] == "TIME_NOT_APPROVED;NOT_SIGNED"
    pdf = tmp_path / "p.pdf"
    assert main(["report", "packet", "--patient", "P00002", "--month", month, "--out", str(pdf), "--db", url]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Wrote the audit packet of P00002" in capsys.readouterr().err


@pytest.mark.parametrize("argv, words", [
    (["--patient", "P09999", "--month", "MONTH"], "No patient with id 'P09999'"),
    (["--patient", "P00001", "--month", "2026-13"], "YYYY-MM"),
    (["--patient", "P00001", "--month", "MONTH", "--format", "docx"], "invalid choice"),
])
def test_report_packet_bad_input_is_a_sentence(cli_db, tmp_path, capsys, argv, words) -> None:
    url, month = cli_db
    out = tmp_path / "x.pdf"
    argv = [a.replace("MONTH", month) for a in argv]
    try:
        code = main(["report", "packet", *argv, "-o", str(out), "--db", url])
    except SystemExit as done:  # argparse refuses an unknown choice
        code = done.code
    assert code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and not out.exists()


def test_report_packet_onto_a_folder_is_refused(cli_db, tmp_path, capsys) -> None:
    url, month = cli_db
    assert main(["report", "packet", "--patient", "P00001", "--month", month, "-o", str(tmp_path), "--db", url]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_init_turns_approval_on_for_a_new_database_only(tmp_path, capsys, cli_db) -> None:
    from workbench.service import Workbench

    new = tmp_path / "new.db"
    assert main(["init", "--db", str(new)]) == 0
    assert "sign-off: on" in capsys.readouterr().out
    assert Workbench.open(f"sqlite:///{new}").approval_required is True
    assert main(["init", "--db", str(new), "--approval", "off"]) == 0
    assert Workbench.open(f"sqlite:///{new}").approval_required is False
    assert main(["init", "--db", str(new)]) == 0  # a second init keeps the practice's choice
    assert Workbench.open(f"sqlite:///{new}").approval_required is False
