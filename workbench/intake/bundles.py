"""Patient bundles as checked rows per table (the generator's, the importer's and the service's
path in): every row is built and checked before anything is written, so bad input writes
nothing; :func:`workbench.store.bulk.insert_rows` writes them with executemany in batches.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date


from .. import records as r
from ..rules.identifiers import check_mbi
from ..rules.initiation import visit_row
from ..store import queries as q

_CORR = {"status": "active", "reason": "", "supersedes_id": None}


def bundle_rows(bundles: list[r.PatientBundle], audit: dict, today: date,
                staff: dict[str, r.User] | None = None) -> dict[str, list[dict]]:
    """Turn bundles into rows per table, each checked by :func:`workbench.validate.bundle`
    (with ``staff``, the care team too). Raises InvalidInput naming the patient by id."""
    from .. import validate

    rows: dict[str, list[dict]] = defaultdict(list)
    for b in bundles:
        b = validate.bundle(b, today, staff)
        p = b.patient
        rows["patients"].append(dict(
            id=p.id, first_name=p.first_name, last_name=p.last_name, birth_date=p.birth_date,
            sex=p.sex, state=p.state, language=p.language, phone=p.phone, email=p.email,
            address=p.address, contact_preferences=dict(p.contact_preferences),
            caregiver=q.person_dict(p.caregiver),
            emergency_contacts=[q.person_dict(x) for x in p.emergency_contacts],
            billing_practitioner_id=p.billing_practitioner_id,
            care_team_member_id=p.care_team_member_id, persona=dict(p.persona), scope=p.scope,
            member_id=check_mbi(p.member_id) if p.member_id else "", payer=p.payer or "",
            **audit))
        base = {"patient_id": p.id, **audit, **_CORR}
        for c in b.conditions:
            rows["conditions"].append(dict(icd10=c.icd10, display=c.display, onset=c.onset,
                                           chronic=c.chronic, chronic_reason=c.chronic_reason, **base))
        for m in b.medications:
            rows["medications"].append(dict(name=m.name, rxnorm=m.rxnorm, dose=m.dose,
                                            frequency=m.frequency, indication=m.indication,
                                            med_status=m.status, **base))
        for a in b.allergies:
            rows["allergies"].append(dict(substance=a.substance, reaction=a.reaction,
                                          severity=a.severity, **base))
        for i in b.immunizations:
            rows["immunizations"].append(dict(vaccine=i.vaccine, cvx=i.cvx, date=i.date, **base))
        for x in b.screenings:
            rows["screenings"].append(dict(kind=x.kind, date=x.date, result=x.result, **base))
        for o in b.observations:
            rows["observations"].append(dict(loinc=o.loinc, name=o.name, value=float(o.value),
                                             unit=o.unit, effective=o.effective, **base))
        for br in b.barriers:
            from ..rules.sdoh import z_code_for

            rows["barriers"].append(dict(domain=br.domain.value, description=br.description,
                                         barrier_status=br.status.value,
                                         z_code=br.z_code or z_code_for(br.domain), action=br.action,
                                         **base))
        if b.consent is not None:
            c = b.consent
            rows["consents"].append(dict(method=r.ConsentMethod(c.method).value,
                                         consent_date=c.consent_date, obtained_by=c.obtained_by,
                                         disclosures=dict(c.disclosures),
                                         billing_practitioner_id=c.billing_practitioner_id, **base))
        for vis in b.visits:
            rows["visits"].append(visit_row(vis, today) | base)
        if b.care_plan is not None:
            rows["care_plan_revisions"].append(dict(
                patient_id=p.id, version=1, based_on=0, content=q.plan_to_json(b.care_plan),
                reason="Initial care plan", **audit))
    return rows
