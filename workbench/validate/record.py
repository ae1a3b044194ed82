"""Whole records checked field by field: a patient with everything known about them, a
condition, a care plan, a staff member, the practice settings. Each returns a normalised copy (what will be stored) or raises
:class:`Problems`, an :class:`InvalidInput` listing every bad field at once (an import reports
them all on the row's line). Messages name the patient by id, never by name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date

from .. import records as r
from ..errors import InvalidInput
from ..rules.catalog import chronic_category
from ..store import schema as s
from .basic import boolean, choice, identifier, json_value, limit_of, real, short, show, text
from .codes import billing_practitioner, icd10, icd10_description, phone, sex, state
from .when import EARLIEST_SERVICE, a_date, birth_date, care_date

P = s.patients.c


class Problems(InvalidInput):
    """Several bad fields of one record; ``items`` holds each as an InvalidInput."""

    def __init__(self, items: list[InvalidInput], prefix: str = ""):
        self.items = items
        super().__init__(prefix + "; ".join(str(e).rstrip(".") for e in items) + ".", items[0].field)


class _Collect:
    def __init__(self) -> None:
        self.items: list[InvalidInput] = []

    def __call__(self, check: Callable, *args, **kw):
        try:
            return check(*args, **kw)
        except InvalidInput as err:
            self.items.extend(err.items if isinstance(err, Problems) else [err])
            return None

    def raise_if_any(self, prefix: str = "") -> None:
        if self.items:
            raise Problems(self.items, prefix)


def _member_id(value) -> str:
    """The Medicare Beneficiary Identifier, checked by workbench.rules.identifiers ("" when unknown)."""
    from ..rules.identifiers import check_mbi

    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return check_mbi(value)


def _npi(value) -> str:
    from ..rules.identifiers import check_npi

    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return check_npi(value)


def _visit(x, today: date, born: date | None, staff) -> r.Visit:
    if not isinstance(x, r.Visit):
        raise InvalidInput(f"A visit must be a Visit, not {type(x).__name__}.", "visits")
    pid = identifier(x.practitioner_id, "visit practitioner_id", limit_of(s.visits.c.practitioner_id),
                     field="practitioner_id")
    if staff is not None:
        if pid not in staff:
            raise InvalidInput(f"visit practitioner_id {pid} is not a staff member.", "practitioner_id")
        if not staff[pid].is_practitioner:
            raise InvalidInput(f"visit practitioner_id {pid} has no practitioner credential (MD, DO, NP, PA, CNS "
                               "or CNM).", "practitioner_id")
    return dataclasses.replace(
        x, practitioner_id=pid, kind=choice(x.kind, r.VisitKind, "visit kind", "kind"),
        visit_date=care_date(x.visit_date, "visit_date", today=today, birth=born, field="visit_date"),
        ccm_discussed=boolean(x.ccm_discussed, "ccm_discussed", "ccm_discussed"),
        extensive_care_planning=boolean(x.extensive_care_planning, "extensive_care_planning",
                                        "extensive_care_planning"))


def _scope(value) -> str:
    value = identifier(value or "live", "scope", limit_of(P.scope), field="scope")
    if value != "live" and not value.startswith("training:"):
        raise InvalidInput(f"scope {value!r} must be 'live' or 'training:<attempt id>'.", "scope")
    return value


def person(p, label: str) -> r.Person:
    if not isinstance(p, r.Person):
        raise InvalidInput(f"{label} must be a Person, not {type(p).__name__}.", label)
    return r.Person(name=short(p.name, f"{label} name", field=label),
                    relationship=short(p.relationship, f"{label} relationship", required=False, field=label),
                    phone=short(p.phone, f"{label} phone", required=False, max_len=limit_of(P.phone), field=label),
                    authorized=boolean(p.authorized, f"{label} authorized", label))


def patient(p, today: date, staff: Mapping[str, r.User] | None = None) -> r.Patient:
    """Every field of a patient; with ``staff`` (id -> User), the care team is checked too."""
    if not isinstance(p, r.Patient):
        raise InvalidInput(f"A patient must be a Patient, not {type(p).__name__}.", "patient")
    c = _Collect()
    pid = c(identifier, p.id, "patient_id", limit_of(P.id), field="patient_id")
    names = {k: c(short, getattr(p, k), k, field=k, max_len=limit_of(P[k])) for k in ("first_name", "last_name")}
    born = c(birth_date, p.birth_date, today)
    out = dict(
        sex=c(sex, p.sex), state=c(state, p.state),
        language=c(short, p.language or "English", "language", field="language", max_len=limit_of(P.language)),
        phone=c(short, p.phone, "phone", required=False, field="phone", max_len=limit_of(P.phone)),
        email=c(short, p.email, "email", required=False, field="email", max_len=limit_of(P.email)),
        address=c(text, p.address, "address", required=False, field="address"),
        contact_preferences=c(json_value, dict(p.contact_preferences or {}), "contact_preferences"),
        persona=c(json_value, dict(p.persona or {}), "persona"),
        caregiver=c(person, p.caregiver, "caregiver") if p.caregiver is not None else None,
        emergency_contacts=tuple(c(person, x, "emergency_contact") for x in (p.emergency_contacts or ())),
        scope=c(_scope, p.scope),
        member_id=c(_member_id, p.member_id),
        payer=c(short, p.payer, "payer", required=False, field="payer", max_len=limit_of(P.payer)),
        deceased=bool(p.deceased),
        deceased_on=c(birth_date, p.deceased_on, today, "deceased date", "deceased_on") if p.deceased_on else None,
    )
    if out["email"] and "@" not in out["email"]:
        c.items.append(InvalidInput("email has no @: give an address such as name@example.org.", "email"))
    for col in ("billing_practitioner_id", "care_team_member_id"):
        uid = c(identifier, getattr(p, col), col, limit_of(P[col]), field=col, required=False) or None
        out[col] = uid
        if uid is not None and staff is not None:
            if uid not in staff:
                c.items.append(InvalidInput(f"{col} {uid} is not a staff member (add them as staff first).", col))
            elif col == "billing_practitioner_id":
                c(billing_practitioner, staff[uid], uid)
    c.raise_if_any(f"Patient {pid or '?'}: ")
    return r.Patient(id=pid, birth_date=born, **names, **out)


def condition(cond, *, today: date | None = None, birth: date | None = None) -> r.Condition:
    """A diagnosis: a billable ICD-10-CM code (normalised), its name (the tabular list's when
    none is given), an onset between birth and today, and a reason when a code outside the
    chronic-condition catalog (workbench.rules.catalog) is marked chronic."""
    if not isinstance(cond, r.Condition):
        raise InvalidInput(f"A condition must be a Condition, not {type(cond).__name__}.", "condition")
    code = icd10(cond.icd10)
    display = short(cond.display, "Condition name", required=False, field="display",
                    max_len=limit_of(s.conditions.c.display)) or icd10_description(code)[:limit_of(s.conditions.c.display)]
    onset = None
    if cond.onset is not None:
        onset = a_date(cond.onset, "Onset", today=today, earliest=birth, field="onset")
    if cond.chronic is not None:
        boolean(cond.chronic, "Chronic", "chronic")
    reason = text(cond.chronic_reason, "Reason", required=False, field="chronic_reason")
    if cond.chronic and not reason and chronic_category(code) is None:
        # a catalog condition is chronic by the catalog; any other code needs the clinician's reason
        raise InvalidInput("Say why this condition is chronic.", "chronic_reason")
    return dataclasses.replace(cond, icd10=code, display=display, onset=onset, chronic_reason=reason)


def _dated(value, label: str, today: date, birth: date | None) -> date:
    return a_date(value, label, today=today, earliest=birth, field=label)


def bundle(b, today: date, staff: Mapping[str, r.User] | None = None) -> r.PatientBundle:
    """A patient with everything known about them, normalised; every bad field reported."""
    if not isinstance(b, r.PatientBundle):
        raise InvalidInput(f"add_patient needs a PatientBundle or a Patient, not {type(b).__name__}.")
    c = _Collect()
    p = c(patient, b.patient, today, staff)
    born = p.birth_date if p is not None else None
    pid = p.id if p is not None else getattr(b.patient, "id", "?")
    conds = [c(condition, x, today=today, birth=born) for x in b.conditions]
    seen: dict[str, int] = {}
    for x in conds:
        if x is not None:
            seen[x.icd10] = seen.get(x.icd10, 0) + 1
    c.items += [InvalidInput(f"condition {code} is listed {n} times (E119 and E11.9 are the same code).", "icd10")
                for code, n in seen.items() if n > 1]
    m_c, a_c = s.medications.c, s.allergies.c
    meds = [c(lambda m: dataclasses.replace(
        m, name=short(m.name, "medication name", field="medications", max_len=limit_of(m_c.name)),
        rxnorm=short(m.rxnorm, "rxnorm", required=False, field="medications", max_len=limit_of(m_c.rxnorm)),
        dose=short(m.dose, "dose", required=False, field="medications", max_len=limit_of(m_c.dose)),
        frequency=short(m.frequency, "frequency", required=False, field="medications", max_len=limit_of(m_c.frequency)),
        indication=icd10(m.indication, "medications", "medication indication") if m.indication else "",
        status=short(m.status or "active", "medication status", field="medications", max_len=limit_of(m_c.med_status))),
        x) for x in b.medications]
    allergies = [c(lambda a: dataclasses.replace(
        a, substance=short(a.substance, "allergy substance", field="allergies", max_len=limit_of(a_c.substance)),
        reaction=short(a.reaction, "allergy reaction", required=False, field="allergies", max_len=limit_of(a_c.reaction)),
        severity=short(a.severity, "allergy severity", required=False, field="allergies", max_len=limit_of(a_c.severity))),
        x) for x in b.allergies]
    imms = [c(lambda i: dataclasses.replace(
        i, vaccine=short(i.vaccine, "vaccine", field="immunizations", max_len=limit_of(s.immunizations.c.vaccine)),
        cvx=short(i.cvx, "cvx", required=False, field="immunizations", max_len=limit_of(s.immunizations.c.cvx)),
        date=_dated(i.date, "immunization date", today, born)), x) for x in b.immunizations]
    scr = [c(lambda x: dataclasses.replace(
        x, kind=short(x.kind, "screening kind", field="screenings", max_len=limit_of(s.screenings.c.kind)),
        result=short(x.result, "screening result", required=False, field="screenings",
                     max_len=limit_of(s.screenings.c.result)),
        date=_dated(x.date, "screening date", today, born)), x) for x in b.screenings]
    o_c = s.observations.c
    obs = [c(lambda o: dataclasses.replace(
        o, loinc=short(o.loinc, "loinc", field="observations", max_len=limit_of(o_c.loinc)),
        name=short(o.name, "observation name", field="observations", max_len=limit_of(o_c.name)),
        unit=short(o.unit, "unit", required=False, field="observations", max_len=limit_of(o_c.unit)),
        value=real(o.value, "observation value", "observations"),
        effective=_dated(o.effective, "observation date", today, born)), x) for x in b.observations]
    barriers = [c(lambda x: dataclasses.replace(
        x, domain=choice(x.domain, r.BarrierDomain, "barrier domain", "barriers"),
        status=choice(x.status, r.BarrierStatus, "barrier status", "barriers"),
        description=text(x.description, "barrier description", max_len=1000, field="barriers"),
        action=text(x.action, "barrier action", required=False, field="barriers")), x) for x in b.barriers]
    consent = c(_consent, b.consent, pid, today, born, staff) if b.consent is not None else None
    plan = c(care_plan, b.care_plan) if b.care_plan is not None else None
    visits = [c(_visit, x, today, born, staff) for x in b.visits]
    c.raise_if_any(f"Patient {pid}: " if p is not None else "")
    return r.PatientBundle(patient=p, conditions=conds, medications=meds, allergies=allergies,
                           immunizations=imms, screenings=scr, observations=obs, barriers=barriers,
                           consent=consent, care_plan=plan, visits=visits)


def _consent(x, pid: str, today: date, born: date | None, staff) -> r.Consent:
    if not isinstance(x, r.Consent):
        raise InvalidInput(f"consent must be a Consent, not {type(x).__name__}.", "consent")
    day = care_date(x.consent_date, "consent_date", today=today, birth=born, field="consent_date")
    method = choice(x.method, r.ConsentMethod, "consent_method", "consent_method")
    by = identifier(x.obtained_by, "consent obtained_by", limit_of(s.consents.c.obtained_by), field="obtained_by")
    bp = identifier(x.billing_practitioner_id, "billing_practitioner_id", limit_of(P.billing_practitioner_id),
                    field="billing_practitioner_id", required=False) or None
    if staff is not None:
        if by not in staff:
            raise InvalidInput(f"consent obtained_by {by} is not a staff member.", "obtained_by")
        if bp is not None and bp not in staff:
            raise InvalidInput(f"consent billing_practitioner_id {bp} is not a staff member.",
                               "billing_practitioner_id")
        if bp is not None:
            billing_practitioner(staff[bp], bp)
    disclosures = json_value(dict(x.disclosures or {}), "disclosures", "disclosures")
    return dataclasses.replace(x, patient_id=pid, consent_date=day, method=method, obtained_by=by,
                               billing_practitioner_id=bp, disclosures=disclosures)


def care_plan(plan) -> r.CarePlan:
    """Every element of a care plan: text within the note limit, goals and interventions described."""
    if not isinstance(plan, r.CarePlan):
        raise InvalidInput("The care plan must be a CarePlan.", "plan")
    c = _Collect()
    changes = {}
    for key in r.CarePlan.__dataclass_fields__:
        value = getattr(plan, key)
        if key not in ("goals", "interventions"):
            changes[key] = c(text, value, f"Care plan: {key.replace('_', ' ')}", required=False, field=key)
    goals = []
    for g in plan.goals:
        if not isinstance(g, r.Goal):
            c.items.append(InvalidInput("Each goal must be a Goal.", "goals"))
            continue
        goals.append(dataclasses.replace(
            g, description=c(text, g.description, "Each goal's description", max_len=1000, field="goals"),
            measure=c(short, g.measure, "Goal measure", required=False, field="goals"),
            target=c(short, g.target, "Goal target", required=False, field="goals"),
            status=c(short, g.status or "active", "Goal status", field="goals"),
            due_date=c(a_date, g.due_date, "Goal due date", earliest=EARLIEST_SERVICE, field="goals")
            if g.due_date is not None else None))
    interventions = []
    for i in plan.interventions:
        if not isinstance(i, r.Intervention):
            c.items.append(InvalidInput("Each intervention must be an Intervention.", "interventions"))
            continue
        interventions.append(dataclasses.replace(
            i, description=c(text, i.description, "Each intervention's description", max_len=1000,
                             field="interventions"),
            responsible=c(short, i.responsible, "Who is responsible", required=False, field="interventions"),
            frequency=c(short, i.frequency, "How often", required=False, field="interventions")))
    c.raise_if_any()
    return r.CarePlan(goals=tuple(goals), interventions=tuple(interventions), **changes)


def user(u) -> r.User:
    """A staff member: id, name, role, credential (optional) and practice state (optional)."""
    if not isinstance(u, r.User):
        raise InvalidInput(f"A staff member must be a User, not {type(u).__name__}.", "staff")
    c = _Collect()
    U = s.users.c
    uid = c(identifier, u.id, "staff_id", limit_of(U.id), field="staff_id")
    out = r.User(id=uid, name=c(short, u.name, "name", field="name", max_len=limit_of(U.name)),
                 role=c(choice, u.role, r.Role, "role", "role"),
                 credential=c(choice, u.credential, r.Credential, "credential", "credential")
                 if u.credential not in (None, "") else None,
                 state=c(state, u.state) or None, npi=c(_npi, u.npi) or "",
                 phone=c(short, u.phone, "phone", required=False, field="phone", max_len=limit_of(U.phone)) or ""
                 if u.phone else "")
    c.raise_if_any(f"Staff {uid or '?'}: ")
    return out


def _time_zone(value) -> str:
    """An IANA time-zone name the system knows (``America/Chicago``)."""
    from zoneinfo import ZoneInfo

    name = short(value, "Time zone", field="timezone")
    try:
        ZoneInfo(name)
    except Exception:  # ValueError, ZoneInfoNotFoundError, IsADirectoryError, ...
        raise InvalidInput(f"Unknown time zone {show(name)}: give an IANA name such as America/New_York "
                           "or America/Chicago.", "timezone") from None
    return name


def practice_settings(st) -> r.PracticeSettings:
    """The practice: name, IANA time zone and state (required), main phone and 24/7 line
    (optional, telephone numbers: see :func:`workbench.validate.codes.phone`)."""
    if not isinstance(st, r.PracticeSettings):
        raise InvalidInput("set_settings needs PracticeSettings.", "settings")
    c = _Collect()
    out = r.PracticeSettings(name=c(short, st.name, "Practice name", field="name"),
                             timezone=c(_time_zone, st.timezone),
                             state=c(state, st.state, required=True),
                             phone=c(phone, st.phone, "Practice phone", field="phone"),
                             after_hours_phone=c(phone, st.after_hours_phone, "24/7 line",
                                                 field="after_hours_phone"))
    c.raise_if_any()
    return out
