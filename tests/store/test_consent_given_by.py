"""Who agreed to the service: the patient, or a legal representative named with their
authority (docs/reference.md, "Consent"), on SQLite and PostgreSQL: checked in the service,
nothing written when refused, kept by an upgrade, shown in the FHIR Consent and the packet."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select, text

from workbench import records as r
from workbench.errors import InvalidInput
from workbench.store import schema as s

TOLD = {k: True for k in r.CONSENT_DISCLOSURES}


def consent_rows(wb) -> int:
    with wb.read() as conn:
        return conn.execute(select(func.count()).select_from(s.consents)).scalar_one()


@pytest.mark.parametrize("given_by, representative, agreed_by", [
    ("patient", "", "the patient"),
    ("patient", "   ", "the patient"),
    ("health_care_proxy", "Rosa Voss, daughter", "Rosa Voss, daughter (health care proxy)"),
    ("power_of_attorney", "  Ana Ruiz, niece ", "Ana Ruiz, niece (power of attorney for health care)"),
    ("guardian", "Lee Park", "Lee Park (court-appointed guardian)"),
    ("surrogate", "Sam Voss, son", "Sam Voss, son (surrogate under state law)"),
])
def test_a_consent_says_who_agreed(wb, given_by, representative, agreed_by):
    c = wb.record_consent("P00001", "verbal", "2026-11-02", TOLD, given_by=given_by, representative=representative)
    (stored,) = wb.consents("P00001")
    assert stored.agreed_by == c.agreed_by == agreed_by
    assert stored.by_representative is (given_by != "patient")


@pytest.mark.parametrize("given_by, representative, message", [
    ("health_care_proxy", "", "The representative's name .* is required"),
    ("guardian", "  ", "The representative's name .* is required"),
    ("guardian", "Lee\nPark", "must be one line"),
    ("guardian", "x" * 201, "the limit is 200"),
    ("patient", "Rosa Voss", "recorded as the patient's own"),
    ("daughter", "Rosa Voss", "Who agreed"),
])
def test_who_agreed_is_checked_and_nothing_is_written_when_refused(wb, given_by, representative, message):
    with pytest.raises(InvalidInput, match=message):
        wb.record_consent("P00001", "verbal", "2026-11-02", TOLD, given_by=given_by, representative=representative)
    assert consent_rows(wb) == 0


def test_the_fhir_consent_and_the_packet_name_the_representative(wb):
    from workbench.export.fhir_build import consent, ref
    from workbench.export.packet_pdf import consent_line
    from workbench.reports.packet import audit_packet

    proxy = wb.record_consent("P00001", "verbal", "2026-11-02", TOLD, given_by="health_care_proxy",
                              representative="Rosa Voss, daughter")
    own = wb.record_consent("P00002", "written", "2026-11-02", TOLD)
    assert consent("P00001", proxy, 1)["performer"] == [
        {"type": "RelatedPerson", "display": "Rosa Voss, daughter (health care proxy)"}]
    assert consent("P00002", own, 2)["performer"] == [ref("Patient", "P00002")]
    packet = audit_packet(wb.as_user("S004"), "P00001", "2026-11", chart_access=True)
    (c,) = packet["consents"]
    assert (c["given_by"], c["representative"]) == ("health_care_proxy", "Rosa Voss, daughter")
    assert "verbal, given by Rosa Voss, daughter (health care proxy), 2026-11-02" in consent_line(c)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_at_0011(request, tmp_path):
    """A database at revision 0011 holding a consent written by the code of then."""
    from tests.support.old_database import database_at

    extra = {"programme": "'CCM'", "text_version": "'ccm-2025.1'", "language": "'en'"}
    with database_at(request, tmp_path, "0011", extra) as engine:
        yield engine


def test_consents_from_before_read_as_the_patients_own_and_the_upgrade_goes_back(db_at_0011):
    from alembic import command

    from workbench.store import upgrade
    from workbench.store.migrate import alembic_config

    upgrade(db_at_0011)
    with db_at_0011.connect() as conn:
        rows = conn.execute(text("SELECT given_by, representative FROM consents")).all()
    assert [tuple(x) for x in rows] == [("patient", "")]
    command.downgrade(alembic_config(db_at_0011), "0011")
    with db_at_0011.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM consents")).scalar_one() == 1
    upgrade(db_at_0011)
