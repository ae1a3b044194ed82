"""The care plan and the care team from FHIR: CarePlan (with the Goals and ServiceRequests it
links), CareTeam and RelatedPerson (docs/import.md, "FHIR").

A CarePlan becomes one care-plan revision: its notes give the plan's text elements (``Label:
text``, as the workbench's own export writes them), ``CarePlan.goal`` the goals in order, and the
ServiceRequests in ``activity.reference`` the interventions (``activity.detail``, which other
systems send, is read as an intervention too). The plan's digest covers its Goals and
ServiceRequests, so a changed Goal makes a new revision (the old one stays: the care plan is
versioned, never overwritten); the same plan again writes nothing. A CareTeam names the patient's
designated care-team member (role "Designated care-team member", a Practitioner on the staff
list); a RelatedPerson is the caregiver the patient has authorised. Both are part of a patient's
first import; for a patient already in the record they are reported, not applied.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ... import records as r
from ... import validate as v
from ...errors import InvalidInput
from ...store import queries as q
from ...store import schema as s
from .read import Entry

PLAN_KINDS = ("CarePlan", "Goal", "ServiceRequest", "CareTeam", "RelatedPerson")
SUBJECT = {"CarePlan": "subject", "Goal": "subject", "ServiceRequest": "subject", "CareTeam": "subject",
           "RelatedPerson": "patient"}
CARE_TEAM_MEMBER = "Designated care-team member"
#: the plan's text elements by the label the export writes before each note
LABELS = {label: k for k, label in {**r.CARE_PLAN_ELEMENTS, **r.CARE_PLAN_EXTRA_ELEMENTS}.items()
          if k not in ("goals", "interventions")}


def _ref_keys(e: Entry) -> list[str]:
    return [x for x in (e.full_url, f"{e.kind}/{e.rid}") if x]


def index(entries: list[Entry]) -> dict[str, Entry]:
    """Every plan-kind entry by the references that may name it (its fullUrl, ``Type/id``)."""
    return {k: e for e in entries if e.kind in PLAN_KINDS for k in _ref_keys(e)}


def _text(concept: dict | None) -> str:
    if not concept:
        return ""
    return concept.get("text") or next((c.get("display") for c in concept.get("coding") or []
                                        if c.get("display")), "") or ""


def _number(x) -> str:
    """A FHIR decimal as people write it (7, 7.5; never 7.0)."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def _quantity(qty: dict | None) -> str:
    """``{"comparator": "<", "value": 7, "unit": "%"}`` -> ``< 7 %``."""
    if not qty or qty.get("value") is None:
        return ""
    unit = qty.get("unit") or qty.get("code") or ""
    return " ".join(x for x in (qty.get("comparator") or "", _number(qty["value"]), unit) if x)


def _detail(target: dict) -> str:
    """A Goal target's detail[x] as text: the editor keeps a target as words (``< 7 %``,
    ``120-139 mm[Hg]``), whichever form the sending system used."""
    if target.get("detailString"):
        return str(target["detailString"])
    if target.get("detailQuantity"):
        return _quantity(target["detailQuantity"])
    if target.get("detailRange"):
        low, high = target["detailRange"].get("low"), target["detailRange"].get("high")
        if low and high and low.get("value") is not None and high.get("value") is not None:
            unit = high.get("unit") or high.get("code") or low.get("unit") or ""
            return f"{_number(low['value'])}-{_number(high['value'])}" + (f" {unit}" if unit else "")
        if low and _quantity(low):
            return ">= " + _quantity(low)
        if high and _quantity(high):
            return "<= " + _quantity(high)
        return ""
    if target.get("detailCodeableConcept"):
        return _text(target["detailCodeableConcept"])
    if target.get("detailRatio"):
        num, den = (_quantity(target["detailRatio"].get(k)) for k in ("numerator", "denominator"))
        return f"{num} / {den}" if num and den else num
    for key in ("detailInteger", "detailBoolean"):
        if key in target and target[key] is not None:
            value = target[key]
            return ("yes" if value else "no") if isinstance(value, bool) else str(value)
    return ""


def goal(res: dict) -> r.Goal:
    """One Goal: each of its targets gives a measure and a target (several are joined with "; ",
    e.g. systolic and diastolic pressure); the due date is the earliest target's."""
    targets = [t for t in res.get("target") or [] if isinstance(t, dict)]
    measures = [_text(t.get("measure")) for t in targets]
    details = [_detail(t) for t in targets]
    dues = sorted(date.fromisoformat(t["dueDate"]) for t in targets if t.get("dueDate"))
    status = res.get("lifecycleStatus") or "active"
    if len(targets) > 1:  # each target's detail says what it is measured on
        details = [f"{m}: {d}" if m and d else d for m, d in zip(measures, details)]
    return r.Goal(description=_text(res.get("description")), measure="; ".join(m for m in measures if m),
                  target="; ".join(d for d in details if d), due_date=dues[0] if dues else None,
                  status=status)


def intervention(res: dict) -> r.Intervention:
    return r.Intervention(description=_text(res.get("code")), responsible=_text(res.get("performerType")),
                          frequency=_text((res.get("occurrenceTiming") or {}).get("code")))


def care_plan(res: dict, by_ref: dict[str, Entry]) -> tuple[r.CarePlan, list[Entry], list[str]]:
    """The record's plan, the Goal and ServiceRequest entries it was read from, and problems."""
    values: dict = {}
    for n in res.get("note") or []:
        text = n.get("text") or ""
        label = next((x for x in sorted(LABELS, key=len, reverse=True) if text.startswith(x + ": ")), None)
        if label is not None:
            values[LABELS[label]] = text[len(label) + 2:]
    if "problem_list" not in values and res.get("description"):
        values["problem_list"] = res["description"]
    parts, problems, goals, interventions = [], [], [], []
    for i, g in enumerate(res.get("goal") or []):
        e = by_ref.get(g.get("reference", ""))
        if e is None or e.kind != "Goal":
            problems.append(f"goal[{i}] {g.get('reference')!r} is not a Goal in this input.")
            continue
        parts.append(e)
        goals.append(goal(e.resource))
        if not goals[-1].description:
            problems.append(f"goal[{i}]: {e.name()} has no description (description.text or a coding's display).")
    for i, a in enumerate(res.get("activity") or []):
        if a.get("reference"):
            e = by_ref.get(a["reference"].get("reference", ""))
            if e is not None and e.kind == "ServiceRequest":
                parts.append(e)
                interventions.append(intervention(e.resource))
                if not interventions[-1].description:
                    problems.append(f"activity[{i}]: {e.name()} has no code.text or display (what is to be done).")
            # a Task (a follow-up, a social need) is the care team's own work: not a plan element
        elif a.get("detail"):
            d = a["detail"]
            interventions.append(r.Intervention(description=_text(d.get("code")) or d.get("description", ""),
                                                frequency=_text((d.get("scheduledTiming") or {}).get("code"))))
    return r.CarePlan(goals=tuple(goals), interventions=tuple(interventions), **values), parts, problems


def caregiver(res: dict) -> r.Person | None:
    name = (res.get("name") or [{}])[0]
    text = name.get("text") or " ".join([*(name.get("given") or []), name.get("family", "")]).strip()
    if not text or res.get("active") is False:
        return None
    phone = next((t.get("value", "") for t in res.get("telecom") or [] if t.get("system") == "phone"), "")
    return r.Person(name=text, relationship=_text((res.get("relationship") or [None])[0]), phone=phone,
                    authorized=True)


def with_team(p: r.Patient, team: Entry | None, carer: Entry | None, staff: dict[str, str]) -> r.Patient:
    """A new patient's row with the designated care-team member (a CareTeam participant in that role
    who is on the staff list) and the authorised caregiver (a RelatedPerson; the Patient.contact of
    the same name is that person, not a separate emergency contact)."""
    changes: dict = {}
    for part in (team.resource.get("participant") or []) if team else []:
        roles = {_text(x) for x in part.get("role") or []}
        uid = staff.get((part.get("member") or {}).get("reference", ""))
        if CARE_TEAM_MEMBER in roles and uid:
            changes["care_team_member_id"] = uid
    person = caregiver(carer.resource) if carer else None
    if person is not None:
        same = next((c for c in p.emergency_contacts if c.name == person.name), None)
        if same is not None:
            person = dataclasses.replace(same, authorized=True)
        changes["caregiver"] = person
        changes["emergency_contacts"] = tuple(c for c in p.emergency_contacts if c is not same)
    return dataclasses.replace(p, **changes) if changes else p


@dataclass
class PlanWrites:
    """The care-plan revisions an import writes, with the links that make a re-import write nothing."""

    revisions: list[tuple[str, r.CarePlan, str, list[dict]]] = field(default_factory=list)  #: pid, plan, reason, links
    links: list[dict] = field(default_factory=list)  #: links without a row of their own


def plan_writes(entries: list[Entry], by_ref: dict[str, Entry], pid_of_subject, links, digest, summary,
                problems: list[str], new_patients: set[str]) -> PlanWrites:
    """What the plan-kind entries write. ``pid_of_subject(e)``: the record's patient id of an entry
    (None when its patient is missing: a problem); ``links``: the latest link of each (type, id)."""
    out = PlanWrites()
    used: set[tuple[str, str]] = set()
    for e in entries:
        if e.kind != "CarePlan":
            continue
        pid = pid_of_subject(e)
        if pid is None:
            continue
        plan, parts, errs = care_plan(e.resource, by_ref)
        problems += [f"{e.name()}: {x}" for x in errs]
        if errs:
            continue
        if e.resource.get("status") not in (None, "active", "on-hold", "draft"):
            old, d = links.get(("CarePlan", e.rid)), digest(e.resource)
            summary.count("CarePlan", "unchanged" if old is not None and old.digest == d else "not active")
            if old is None or old.digest != d:
                out.links.append(_link(pid, e, d, "not active"))
            for x in parts:
                used.add((x.kind, x.rid))
                summary.count(x.kind, "not active")
            continue
        try:
            plan = v.care_plan(plan)
        except InvalidInput as err:
            problems.append(f"{e.name()}: {err}")
            continue
        whole = hashlib.sha256("".join([digest(e.resource), *(digest(x.resource) for x in parts)]).encode()).hexdigest()
        old = links.get(("CarePlan", e.rid))
        for x in parts:
            used.add((x.kind, x.rid))
        if old is not None and old.digest == whole:
            summary.count("CarePlan", "unchanged")
            for x in parts:
                summary.count(x.kind, "unchanged")
            continue
        outcome = "imported" if old is None else "superseded"
        summary.count("CarePlan", outcome)
        plan_links = [_link(pid, e, whole, outcome)]
        for x in parts:
            had = links.get((x.kind, x.rid))
            d = digest(x.resource)
            if had is not None and had.digest == d:
                summary.count(x.kind, "unchanged")
                continue
            summary.count(x.kind, "imported" if had is None else "superseded")
            plan_links.append(_link(pid, x, d, "imported" if had is None else "superseded"))
        reason = f"{'Imported' if old is None else 'Changed in the EHR'}: FHIR CarePlan {e.rid}"
        out.revisions.append((pid, plan, reason[:500], plan_links))
    for e in entries:
        if e.kind in ("Goal", "ServiceRequest") and (e.kind, e.rid) not in used:
            summary.count(e.kind, "not read")  # not part of a CarePlan: nothing in the record to hold it
        elif e.kind in ("CareTeam", "RelatedPerson"):
            pid = pid_of_subject(e)
            if pid is None:
                continue
            d, old = digest(e.resource), links.get((e.kind, e.rid))
            if old is not None and old.digest == d:
                summary.count(e.kind, "unchanged")
            elif pid in new_patients:
                summary.count(e.kind, "imported")
                out.links.append(_link(pid, e, d, "imported", "patients"))
            else:
                summary.count(e.kind, "changed, kept as recorded")
                out.links.append(_link(pid, e, d, "kept as recorded"))  # fhir_links.outcome: 16 characters
    return out


def _link(pid: str, e: Entry, d: str, outcome: str, table: str = "") -> dict:
    return dict(patient_id=pid, resource_type=e.kind, resource_id=e.rid, digest=d, table_name=table, row_id=None,
                outcome=outcome, codings=[])


def write(uow, writes: PlanWrites) -> list[dict]:
    """Each revision after the patient's latest (version + 1, based on it); returns the links."""
    cp = s.care_plan_revisions
    links = list(writes.links)
    for pid, plan, reason, plan_links in writes.revisions:
        current = uow.execute(select(cp.c.version).where(cp.c.patient_id == pid)
                              .order_by(cp.c.version.desc())).scalar() or 0
        rid = uow.add_row(cp, patient_id=pid, version=current + 1, based_on=current, content=q.plan_to_json(plan),
                         reason=reason)
        links += [dict(x, table_name="care_plan_revisions", row_id=rid) for x in plan_links]
    return links
