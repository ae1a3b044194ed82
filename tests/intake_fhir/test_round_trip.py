"""Round trip of the whole export: the demo practice (the one ``make demo`` builds) exported,
imported into an empty database with the same staff list and practice settings, and exported again. Every resource of
the second export is compared with the first, bundle by bundle, after the normalisation listed in
``NORMALISED``; the resource types the import does not read (``NOT_IMPORTED``) are asserted to be
counted "not read" by the import and to be absent from the second export. A second import of the
first export writes nothing."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from workbench.clock import FixedClock
from workbench.export.fhir import export_fhir
from workbench.intake.fhir import import_fhir
from workbench.service import Workbench

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)

#: what is normalised before two resources are compared, and why
NORMALISED = {
    # ids: the record's row ids differ between the two databases, and every FHIR id and urn:uuid
    # reference is derived from them
    "id": "resource id (from the record's row id)",
    "fullUrl": "urn:uuid of the entry (from the row id)",
    "reference": "urn:uuid references (from the row ids): compared as the kind of resource they name",
    # timestamps: when a row was written into the database, which is the import's clock the second time
    "recordedDate": "Condition: when the row was recorded",
    "authoredOn": "MedicationRequest, ServiceRequest: when the list or the plan was written",
    "created": "CarePlan: when the revision was recorded",
    "recorded": "Provenance: when the target was recorded",
    "startDate": "Goal: the day the care-plan revision was recorded",
}
#: who wrote an imported row: in the second database, the person who ran the import (the record
#: stamps the importer; an import never signs rows with the EHR author's name), so the name shown
#: next to these author references is normalised too
AUTHOR_DISPLAY = {("CarePlan", "contributor"), ("Goal", "expressedBy"), ("Provenance", "agent")}
#: what the import does not read, and why (docs/import.md, "FHIR")
NOT_IMPORTED = {
    "Consent": "a CCM consent is recorded in the workbench with its disclosures",
    "QuestionnaireResponse": "a PHQ-9 is the care team's own screening",
    "Task": "escalations and social-need follow-ups are the care team's own work",
    "Condition:health-concern": "social needs are recorded with the AHC-HRSN screen",
    "Observation:PHQ-9": "the PHQ-9 total comes with its QuestionnaireResponse",
}


def _kind(res: dict) -> str:
    kind = res["resourceType"]
    if kind == "Condition" and any(c.get("code") == "health-concern" for x in res.get("category", [])
                                   for c in x.get("coding", [])):
        return "Condition:health-concern"
    if kind == "Observation" and "valueInteger" in res:
        return "Observation:PHQ-9"
    return kind


def _strip(node, kind: str, kinds: dict[str, str], path: str = ""):
    """``node`` normalised; a reference becomes the kind of what it names, and a reference to a
    resource that is not imported is left out (the second export cannot have it)."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "reference" and isinstance(v, str):
                if kinds.get(v) in NOT_IMPORTED:
                    return None
                out[k] = kinds.get(v, "outside the bundle")
                continue
            if (k in NORMALISED and k != "reference") or (k == "display" and (kind, path.split(".")[0]) in AUTHOR_DISPLAY):
                continue
            value = _strip(v, kind, kinds, f"{path}.{k}" if path else k)
            if value is None and isinstance(v, dict) and "reference" in v:
                return None
            out[k] = value
        return out
    if isinstance(node, list):
        return [x for x in (_strip(v, kind, kinds, path) for v in node) if x is not None]
    return node


def _bundles(folder) -> dict[str, list[dict]]:
    return {p.name: [e for e in json.loads(p.read_text())["entry"]] for p in sorted(folder.iterdir())}


def _compared(entries: list[dict], importer: str | None = None) -> dict[str, list[str]]:
    """The normalised resources of one bundle by kind (sorted), without the kinds not imported;
    a Provenance only when its target is compared; the importer's own Practitioner left out."""
    kinds = {e["fullUrl"]: _kind(e["resource"]) for e in entries}
    out: dict[str, list[str]] = {}
    for e in entries:
        res, kind = e["resource"], _kind(e["resource"])
        if kind in NOT_IMPORTED:
            continue
        if kind == "Provenance" and any(kinds.get(t["reference"]) in NOT_IMPORTED for t in res["target"]):
            continue
        if kind == "Practitioner" and importer is not None and res["identifier"][0]["value"] == importer:
            continue
        out.setdefault(kind, []).append(json.dumps(_strip(res, kind, kinds), sort_keys=True))
    return {k: sorted(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    from simulated_patients.practice import build_demo_database
    from workbench.cli import build_parser

    tmp = tmp_path_factory.mktemp("round")
    args = build_parser().parse_args(["demo"])  # the practice `workbench demo` builds by default
    first, _ = build_demo_database(f"sqlite:///{tmp / 'demo.db'}", args.size, args.seed, NOW)
    export_fhir(first, tmp / "one")
    Workbench.create(f"sqlite:///{tmp / 'empty.db'}")
    empty = Workbench.open(f"sqlite:///{tmp / 'empty.db'}", clock=FixedClock(NOW))
    for u in first.users():  # the new practice is set up first: its staff list and its settings
        empty.add_user(u)
    empty.set_settings(first.settings)
    summary = import_fhir(empty, tmp / "one")
    export_fhir(empty, tmp / "two")
    return tmp, empty, summary


def test_every_resource_of_the_export_comes_back_the_same(round_trip):
    tmp, empty, summary = round_trip
    one, two = _bundles(tmp / "one"), _bundles(tmp / "two")
    assert one.keys() == two.keys() and len(one) == len(empty.patients()) >= 60
    seen: Counter = Counter()
    for name in one:
        a, b = _compared(one[name]), _compared(two[name], importer=empty.user.id)
        assert a.keys() == b.keys(), (name, sorted(a), sorted(b))
        for kind in a:
            if kind == "Practitioner":  # the first names the authors of what is not imported too
                assert set(b[kind]) <= set(a[kind]), (name, sorted(set(b[kind]) - set(a[kind])))
                seen[kind] += len(b[kind])
                continue
            assert a[kind] == b[kind], (name, kind, a[kind][0][:300], b[kind][0][:300])
            seen[kind] += len(a[kind])
    # the demo practice exercises every kind the import reads
    for kind in ("Patient", "Practitioner", "Organization", "Condition", "MedicationRequest", "AllergyIntolerance",
                 "Immunization", "Observation", "CarePlan", "Goal", "ServiceRequest", "CareTeam", "RelatedPerson",
                 "Provenance"):
        assert seen[kind] > 0, kind


def test_what_is_not_imported_is_counted_and_absent_the_second_time(round_trip):
    tmp, _empty, summary = round_trip
    one, two = _bundles(tmp / "one"), _bundles(tmp / "two")
    first = Counter(_kind(e["resource"]) for entries in one.values() for e in entries)
    second = Counter(_kind(e["resource"]) for entries in two.values() for e in entries)
    for kind in NOT_IMPORTED:
        assert second[kind] == 0, kind
    for kind in ("Consent", "QuestionnaireResponse", "Task"):
        assert first[kind] > 0 and summary.counts[(kind, "not read")] == first[kind], kind
    assert summary.counts[("Condition", "not read")] == first["Condition:health-concern"]
    assert summary.counts[("Observation", "not read")] == first["Observation:PHQ-9"]
    assert summary.counts[("CarePlan", "imported")] == first["CarePlan"] > 0
    assert summary.counts[("Goal", "imported")] == first["Goal"]


def test_a_second_import_of_the_same_export_writes_nothing(round_trip):
    tmp, empty, _summary = round_trip
    again = import_fhir(empty, tmp / "one")
    assert again.written() == 0
    assert again.counts[("CarePlan", "unchanged")] > 0
