"""A process of the FHIR import race test (tests/intake_fhir/test_import_races.py): a spawned
process imports it by this module's name."""

from __future__ import annotations


def import_worker(url, paths, out):
    from workbench.intake.fhir import import_fhir
    from workbench.service import Workbench

    wb = Workbench.open(url, user="S004")
    written, unexpected = 0, []
    for path in paths:
        try:
            written += import_fhir(wb, path).written()
        except Exception as err:  # noqa: BLE001 - reported to the test
            unexpected.append(repr(err))
    out.put({"written": written, "unexpected": unexpected})
