"""The bulk path stores exactly what the ordinary path stores (read back identically)."""

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import insert, select

from workbench import records as r
from workbench.store import schema as s
from workbench.store.bulk import insert_many


def test_bulk_and_ordinary_inserts_read_back_the_same(wb):
    start = datetime(2026, 11, 3, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    row = dict(patient_id="P00001", staff_id="S001", staff_role="care_manager", staff_credential="RN",
               service="CCM", activity="patient_call", note="same", started_at=start,
               ended_at=start + timedelta(minutes=7), seconds=420, service_date=date(2026, 11, 3),
               manual=False, mode="timer", timer_id=None, external_id=None, status="active", reason="",
               supersedes_id=None, **wb.stamp())
    with wb.write() as conn:
        conn.execute(insert(s.time_entries), [row])
        insert_many(conn, s.time_entries, [row])
    a, b = wb.time_entries("P00001")
    assert a.started_at == b.started_at == start.astimezone(UTC)
    assert (a.ended_at, a.service_date, a.manual, a.seconds) == (b.ended_at, b.service_date, b.manual, b.seconds)
    with wb.engine.connect() as conn:
        got = list(conn.execute(select(s.time_entries.c.started_at).where(
            s.time_entries.c.started_at >= start)))
    assert len(got) == 2  # comparisons in SQL see both rows the same way


def test_bulk_json_and_booleans(wb, make_bundle):
    bundle = make_bundle("P00077")
    bundle.patient = r.Patient(**{**bundle.patient.__dict__, "id": "P00077",
                                  "contact_preferences": {"channel": "text", "best_time": "evening"},
                                  "caregiver": r.Person("Cara", "daughter", "555-0102", True)})
    wb.as_user("S004").load_panel(r.Panel(staff=[], patients=[bundle]))
    p = wb.get_patient("P00077")
    assert p.contact_preferences == {"channel": "text", "best_time": "evening"}
    assert p.caregiver.authorized is True and p.caregiver.name == "Cara"
