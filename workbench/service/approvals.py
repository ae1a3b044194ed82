"""Approval and sign-off before a claim (docs/billing-approval.md): a supervisor approves other
people's time entries, one by one or a person's week as a timesheet; the billing practitioner signs
a month's claims, for all their patients or one patient-month. Rules: :mod:`workbench.rules.approval`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import validate as v
from ..errors import InvalidInput, PermissionDenied
from ..rules.approval import Hold, approval_refusal, signing_refusal, week_start
from ..rules.months import month_bounds
from ..store import queries as q
from ..store import schema as s
from .policy import Action

SETTING = "approval_required"
#: the reason codes a signature settles (the others are fixed elsewhere in the record)
SIGNATURE_CODES = ("NOT_SIGNED", "SIGNED_CLAIM_CHANGED")
#: the claim lines a billing practitioner signs (the G0506 add-on rides on the initiating visit's claim)
SIGNED_SERVICES = ("CCM", "PCM", "APCM")


class ApprovalMixin:
    """Approving time, signing claims, the practice's ``approval_required`` setting."""

    @property
    def approval_required(self) -> bool:
        """Claims wait for approval and signature (settings key ``approval_required``; off when unset)."""
        from ..reports.approvals import approval_required

        with self.read() as conn:
            return approval_required(conn)

    def setting_stored(self, key: str) -> bool:
        """Whether the practice's settings hold ``key`` at all (a default is not stored)."""
        with self.read() as conn:
            return conn.execute(select(s.settings.c.key).where(s.settings.c.key == key)).first() is not None

    def set_approval_required(self, required: bool) -> None:
        required = v.boolean(required, "Approval required")
        with self.write() as conn:
            self._check(conn, Action.SET_SETTINGS)
            conn.set_setting(SETTING, "on" if required else "off")

    # ------------------------------------------------------------------ approving time

    def approve_time(self, entry_ids) -> list[int]:
        """Approve time entries (ids) of other people, all or none. Returns the approval ids."""
        ids = [v.row_id(i, "Time entry id", field="entry_id") for i in
               (entry_ids if isinstance(entry_ids, (list, tuple, set, frozenset)) else [entry_ids])]
        if not ids:
            raise InvalidInput("Choose at least one time entry to approve.", "entry_id")
        te, ta = s.time_entries, s.time_approvals
        out = []
        with self.write() as conn:
            self._check(conn, Action.APPROVE_TIME, "live")
            for eid in dict.fromkeys(ids):
                patient, row = self._patient_of(conn, te, eid, Action.APPROVE_TIME, "time entry")
                current = conn.execute(select(te.c.id).where(te.c.id == eid, q.current(te))).first() is not None
                done = conn.execute(select(ta.c.id).where(ta.c.time_entry_id == eid)).first() is not None
                why = approval_refusal(self.user.id, row.staff_id, current=current, already_approved=done)
                if why:
                    raise (PermissionDenied if row.staff_id == self.user.id else InvalidInput)(
                        f"Time entry {eid}: {why} Nothing was approved.")
                out.append(conn.add_row(ta, time_entry_id=eid, entry_staff_id=row.staff_id, week_start=None))
        return out

    def approve_week(self, staff_id: str, week_of) -> int:
        """Approve a person's timesheet: every current, not yet approved entry of ``staff_id`` on a
        live patient in the week (Monday to Sunday) holding ``week_of``. Returns how many."""
        staff_id = v.identifier(staff_id, "Staff id", v.limit_of(s.users.c.id), field="staff_id")
        monday = week_start(v.a_date(week_of, "Week", field="week"))
        if staff_id == self.user.id:
            raise PermissionDenied("Nobody approves their own time: another supervisor approves your timesheet.")
        te, ta = s.time_entries, s.time_approvals
        with self.write() as conn:
            self._check(conn, Action.APPROVE_TIME, "live")
            self._user_row(conn, staff_id)
            rows = conn.execute(select(te.c.id, te.c.staff_id).where(
                te.c.staff_id == staff_id, te.c.service_date >= monday,
                te.c.service_date <= monday + timedelta(days=6), q.current(te),
                te.c.patient_id.in_(select(s.patients.c.id).where(s.patients.c.scope == "live")),
                te.c.id.not_in(select(ta.c.time_entry_id)))).all()
            if not rows:
                raise InvalidInput(f"Nothing to approve: {staff_id} has no unapproved time in the week of "
                                   f"{monday.isoformat()}.", "week")
            for row in rows:
                conn.add_row(ta, time_entry_id=row.id, entry_staff_id=row.staff_id, week_start=monday)
        return len(rows)

    def approval_queue(self, month: str | None = None) -> list[dict]:
        """Current time entries on live patients not yet approved (of ``month``, or all), oldest
        first: id, patient, staff, date, week, minutes, service, activity, ``own`` (the signed-in
        user's, which they cannot approve). No notes."""
        te, ta = s.time_entries, s.time_approvals
        stmt = select(te).where(q.current(te), te.c.id.not_in(select(ta.c.time_entry_id)),
                                te.c.patient_id.in_(select(s.patients.c.id).where(s.patients.c.scope == "live")))
        if month is not None:
            first, last = month_bounds(v.month(month))
            stmt = stmt.where(te.c.service_date >= first, te.c.service_date <= last)
        with self.read() as conn:
            self._check(conn, Action.APPROVE_TIME, "live")
            rows = conn.execute(stmt.order_by(te.c.staff_id, te.c.service_date, te.c.id)).all()
        return [{"entry_id": x.id, "patient_id": x.patient_id, "staff_id": x.staff_id,
                 "credential": x.staff_credential, "service_date": x.service_date,
                 "week_start": week_start(x.service_date), "minutes": x.seconds // 60, "seconds": x.seconds,
                 "service": x.service, "activity": x.activity, "own": x.staff_id == self.user.id}
                for x in rows]

    def approvals(self, pid: str, month: str) -> list[dict]:
        """Approvals of the patient-month's current time entries: entry, approver, role, when."""
        te, ta = s.time_entries, s.time_approvals
        first, last = month_bounds(v.month(month))
        with self.read() as conn:
            self._patient_row(conn, pid, Action.READ_BILLING)
            rows = conn.execute(select(ta).join(te, te.c.id == ta.c.time_entry_id).where(
                te.c.patient_id == pid, te.c.service_date >= first, te.c.service_date <= last,
                q.current(te)).order_by(ta.c.id)).all()
        return [{"entry_id": x.time_entry_id, "approved_by": x.recorded_by, "role": x.recorded_role,
                 "credential": x.recorded_credential, "approved_at": x.recorded_at,
                 "week_start": x.week_start} for x in rows]

    # ------------------------------------------------------------------ the audit packet

    def audit_packet(self, pid: str, month: str, place: str = "command:report packet") -> dict:
        """The audit packet of a patient-month (:mod:`workbench.reports.packet`): consent, care
        plan in force, time entries with authors and approvals, codes, signature, rules. Notes
        and care-plan text only for a person who may open charts."""
        from ..reports.packet import audit_packet
        from . import policy
        from .core import SYSTEM_USER

        month = v.month(month)
        with self.read() as conn:
            row = self._patient_row(conn, pid, Action.READ_BILLING)
            if row.scope != "live":
                raise InvalidInput("Audit packets are for live patients' claims.", "patient_id")
        chart = policy.allowed(self.user.role, Action.READ_CHART, policy.LIVE)
        reader = type(self)(self.engine, SYSTEM_USER, self.clock)
        packet = audit_packet(reader, row.id, month, chart_access=chart)
        self.record_access("export", [row.id], place, detail=f"audit packet {month}")
        return packet

    # ------------------------------------------------------------------ signing claims

    def sign_claims(self, month: str, patient_id: str | None = None) -> dict:
        """The billing practitioner signs the month's CCM, PCM and APCM claims as they stand: their
        own patients' (or one patient-month's). A claim with time not yet approved is not signed; an
        APCM claim (monthly, not billed by time) stands on no time entry and is signed as its codes.
        Returns ``{"signed": [ids], "skipped": {id: sentence}}``."""
        month = v.month(month)
        if patient_id is not None:
            patient_id = v.identifier(patient_id, "Patient id", v.limit_of(s.patients.c.id), field="patient_id")
        with self.read() as conn:
            self._check(conn, Action.SIGN_CLAIMS, "live")
            if patient_id is not None:
                self._patient_row(conn, patient_id, Action.SIGN_CLAIMS)
        claims = self.claims(month)
        rows = [x for x in claims.to_dict("records") if x["service"] in SIGNED_SERVICES
                and (patient_id is None or x["patient_id"] == patient_id)]
        if patient_id is not None and not rows:
            raise InvalidInput(f"Patient {patient_id} has no CCM, PCM or APCM claim in {month} to sign.", "patient_id")
        signed, skipped = [], {}
        te = s.time_entries
        first, last = month_bounds(month)
        with self.write() as conn:
            billing = {x.id: x.billing_practitioner_id for x in conn.execute(
                select(s.patients.c.id, s.patients.c.billing_practitioner_id).where(
                    s.patients.c.id.in_([x["patient_id"] for x in rows])))}
            for row in rows:
                pid, codes = row["patient_id"], row["reason_codes"].split(";")
                if not set(codes) & set(SIGNATURE_CODES):
                    skipped[pid] = "already signed as it stands" if self.approval_required else \
                        "approval is not required by the practice"
                    continue
                holds = [Hold(c, "") for c in codes if c]
                why = signing_refusal(self.user.id, self.user.is_practitioner, billing.get(pid), holds)
                if why:
                    if patient_id is not None:
                        raise PermissionDenied(f"Patient {pid}, {month}: {why} Nothing was signed.")
                    skipped[pid] = why
                    continue
                ids = claims.attrs["entries"].get(pid, [])
                now_ids = sorted(x.id for x in conn.execute(select(te.c.id).where(
                    te.c.patient_id == pid, te.c.service == row["service"], te.c.service_date >= first,
                    te.c.service_date <= last, q.current(te))))
                if now_ids != ids:
                    skipped[pid] = "its time changed while signing: look again and sign"
                    continue
                conn.add_row(s.claim_signoffs, patient_id=pid, month=month, codes=row["codes"], entry_ids=ids)
                signed.append(pid)
        return {"signed": signed, "skipped": skipped}
