"""Two enrolment reports (docs/reference.md, "Enrolment and programmes"):

- :func:`outreach_list`: live patients eligible for care management and not enrolled (no CCM
  consent in force and none they asked to stop, not declined, enrolled elsewhere or ineligible), with
  their outreach attempts: the worklist's "eligible, not enrolled" view and ``workbench report
  outreach``. Ids only, never names (the screen adds names; a file stays free of them).
- :func:`programme_comparison`: for past months, what CCM (and PCM) paid and what APCM would have
  paid for the same patient-months at each patient's APCM level, beside what APCM did pay. An APCM
  amount not set in the year's table is counted, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select

from .. import records as r
from ..rules import consent_status, rule_table_for
from ..rules.apcm import apcm_level
from ..rules.enrolment import status_label, status_on
from ..rules.months import add_months, month_bounds, month_of
from ..store import schema as s
from .month import month_bills
from .month_programme import enrolment_events, qmb_on
from .month_sql import _consents, _eligibilities

OUTREACH_COLUMNS = ["patient_id", "eligible_for", "status", "status_since", "attempts", "last_attempt",
                    "last_channel", "last_outcome", "care_team_member_id"]
#: statuses that take a patient off the outreach list
_SETTLED = {r.EnrolmentStatus.ENROLLED, r.EnrolmentStatus.ENROLLED_ELSEWHERE, r.EnrolmentStatus.DECLINED,
            r.EnrolmentStatus.INELIGIBLE}


def outreach_list(wb, today: date | None = None) -> pd.DataFrame:
    """Eligible, not enrolled, with attempts (columns :data:`OUTREACH_COLUMNS`), fewest attempts first."""
    today = today or wb.today()
    with wb.read() as conn:
        patients = {row.id: row for row in conn.execute(
            select(s.patients.c.id, s.patients.c.care_team_member_id).where(s.patients.c.scope == "live"))}
        pids = set(patients)
        eligibility = _eligibilities(conn, pids, {})
        consents = _consents(conn, pids)
        events = enrolment_events(conn, pids)
        t = s.outreach_attempts
        attempts: dict[str, list] = defaultdict(list)
        for row in conn.execute(select(t).order_by(t.c.attempted_on, t.c.id)):
            if row.patient_id in pids:
                attempts[row.patient_id].append(row)
    rows = []
    for pid in sorted(pids):
        elig = eligibility[pid]
        if not (elig.ccm_eligible or elig.pcm_possible):
            continue
        now = status_on(events.get(pid, []), today)
        if now is not None and now.status in _SETTLED:
            continue
        mine = consents.get(pid, [])
        if any(consent_status(mine, today, today, prog).valid for prog in ("CCM", "APCM")) or \
                (mine and mine[-1].revoked_on is not None):
            continue  # consented, or asked to stop (not to be invited again)
        tried = attempts.get(pid, [])
        last = tried[-1] if tried else None
        rows.append({"patient_id": pid, "eligible_for": elig.program if elig.ccm_eligible else "PCM",
                     "status": status_label(now), "status_since": now.effective_on.isoformat() if now else "",
                     "attempts": len(tried), "last_attempt": last.attempted_on.isoformat() if last else "",
                     "last_channel": last.channel if last else "", "last_outcome": last.outcome if last else "",
                     "care_team_member_id": patients[pid].care_team_member_id or ""})
    df = pd.DataFrame(rows, columns=OUTREACH_COLUMNS).astype({"attempts": "int64"})
    return df.sort_values(["attempts", "last_attempt", "patient_id"], kind="stable").reset_index(drop=True)


COMPARISON_COLUMNS = ["month", "ccm_patient_months", "ccm_paid_usd", "apcm_would_usd", "apcm_unpriced",
                      "apcm_patient_months", "apcm_paid_usd", "difference_usd"]


def past_months(today: date, n: int) -> list[str]:
    """The ``n`` complete months before ``today``'s month, oldest first."""
    first = today.replace(day=1)
    return [month_of(add_months(first, -k)) for k in range(n, 0, -1)]


def programme_comparison(wb, months: list[str]) -> pd.DataFrame:
    """One row per month (columns :data:`COMPARISON_COLUMNS`): CCM/PCM patient-months billed and
    what they paid; what APCM would have paid for those same patient-months (each patient's
    level: chronic conditions and QMB; ``apcm_unpriced`` counts those whose APCM code has no
    amount in the year's table, left out of ``apcm_would_usd``); APCM patient-months billed and
    paid; and ``difference_usd`` = APCM would - CCM paid (positive: APCM would have paid more)."""
    rows = []
    for month in months:
        table = rule_table_for(month)
        bills, _ = month_bills(wb, month)
        ccm = [b for b, _t in bills if b.programme in ("CCM", "PCM")]
        apcm = [b for b, _t in bills if b.programme == "APCM"]
        with wb.read() as conn:
            pids = {b.patient_id for b in ccm}
            eligibility = _eligibilities(conn, pids, {})
            qmb = qmb_on(conn, pids, month_bounds(month)[1])
        would, unpriced = Decimal("0.00"), 0
        for b in ccm:
            code = apcm_level(len(eligibility[b.patient_id].categories), b.patient_id in qmb).code
            amount = table.amount(code)
            if amount is None:
                unpriced += 1
            else:
                would += amount
        paid = sum((b.amount for b in ccm), Decimal("0.00"))
        rows.append({"month": month, "ccm_patient_months": len(ccm), "ccm_paid_usd": float(paid),
                     "apcm_would_usd": float(would), "apcm_unpriced": unpriced,
                     "apcm_patient_months": len(apcm),
                     "apcm_paid_usd": float(sum((b.amount for b in apcm), Decimal("0.00"))),
                     "difference_usd": float(would - paid)})
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
