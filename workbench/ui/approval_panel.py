"""Approval, sign-off and the audit packet on the month page (docs/billing-approval.md):

- a supervisor's queue of time waiting for approval in the month, approved entry by entry or a
  person's week as a timesheet (never their own: the service refuses it, and it is not offered);
- the billing practitioner's "Sign the month's claims" button (their own patients' claims);
- the audit packet of one patient-month, shown on the page with PDF and JSON downloads.

Each button has its message slot right after it and is disabled while it writes
(:func:`workbench.ui.feedback.on_click`); a written form is emptied, so a second click has nothing
to write. ``on_change`` redraws the claims above after a write.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.export.packet_pdf import consent_line, entry_line, packet_json, packet_pdf, plan_line
from workbench.service import Workbench
from workbench.service import policy
from workbench.service.policy import Action

from .feedback import KEEP, FormMessages, on_click
from .html import data_link, esc, message


def _title(text: str) -> w.HTML:
    return w.HTML(f'<div class="ccm-section-title">{esc(text)}</div>')


def packet_html(packet: dict) -> str:
    """The packet as a page section: consent (text version), care plan version, time entries."""
    claim = packet["claim"]
    sig = claim["signature"]
    items = lambda xs, css: "".join(f'<li class="{css}">{esc(x)}</li>' for x in xs)  # noqa: E731
    signed = f"Signed by {sig['by']} on {sig['at'][:10]} for {sig['codes']}" if sig else "Not signed"
    consents = [consent_line(c) for c in packet["consents"]] or ["No consent on record by the end of the month."]
    return (f'<div class="ccm-card ccm-packet" data-patient="{esc(packet["patient"]["id"])}">'
            f'<b>Audit packet: patient {esc(packet["patient"]["id"])}, {esc(packet["month"])}</b>'
            f'<div>Consent</div><ul>{items(consents, "ccm-packet-consent")}</ul>'
            f'<div>Care plan in force</div><ul>{items([plan_line(packet["care_plan"])], "ccm-packet-plan")}</ul>'
            f'<div>Time entries</div><ul>{items([entry_line(e) for e in packet["time_entries"]], "ccm-packet-entry")}</ul>'
            f'<div>Claim</div><ul>{items([claim["summary"]] + [c["code"] + ": " + c["why"] for c in claim["codes"]], "ccm-packet-code")}'
            f'{items([signed], "ccm-packet-signature")}'
            f"</ul></div>")


class ApprovalPanel(w.VBox):
    """The approval queue, the sign button and the packet for ``month()`` (the page's month)."""

    def __init__(self, wb: Workbench, month: Callable[[], str], on_change: Callable[[], None] | None = None):
        self.wb, self.month, self.on_change = wb, month, on_change
        self.msg = FormMessages("ccm-approval-msg", "approve", "week", "sign", "packet")
        role = wb.user.role
        self.can_approve = policy.allowed(role, Action.APPROVE_TIME, policy.LIVE)
        self.can_sign = policy.allowed(role, Action.SIGN_CLAIMS, policy.LIVE)
        self.queue = w.SelectMultiple(options=[], rows=8, description="Entries",
                                      layout=w.Layout(width="95%"))
        self.queue.add_class("ccm-approval-queue")
        self.approve_button = w.Button(description="Approve selected entries", button_style="success")
        self.approve_button.add_class("ccm-approve-entries")
        self.week = w.Dropdown(options=[], description="Timesheet", layout=w.Layout(width="70%"))
        self.week.add_class("ccm-approval-week")
        self.week_button = w.Button(description="Approve this timesheet", button_style="success")
        self.week_button.add_class("ccm-approve-week")
        self.sign_button = w.Button(description="Sign the month's claims", button_style="primary")
        self.sign_button.add_class("ccm-sign-month")
        self.patient = w.Dropdown(options=[], description="Patient")
        self.patient.add_class("ccm-packet-patient")
        self.packet_button = w.Button(description="Open audit packet")
        self.packet_button.add_class("ccm-open-packet")
        self.packet = w.HTML()
        self.packet.add_class("ccm-packet-box")
        self._just: set[str] = set()  #: forms emptied by their last success (a double click keeps that result)
        on_click(self.approve_button, self.approve, self.msg, "approve")
        on_click(self.week_button, self.approve_week, self.msg, "week")
        on_click(self.sign_button, self.sign, self.msg, "sign")
        on_click(self.packet_button, self.open_packet, self.msg, "packet")
        parts: list[w.Widget] = []
        if self.can_approve:
            parts += [_title("Time waiting for approval"), self.queue, self.approve_button, self.msg.slot("approve"),
                      w.HBox([self.week, self.week_button]), self.msg.slot("week")]
        if self.can_sign:
            parts += [_title("Sign the month"), w.HTML("Signs your patients' CCM, PCM and APCM claims of the month as "
                                                       "they stand; claims with time not yet approved wait."),
                      self.sign_button, self.msg.slot("sign")]
        parts += [_title("Audit packet"), w.HBox([self.patient, self.packet_button]), self.msg.slot("packet"),
                  self.packet]
        super().__init__(parts)
        self.add_class("ccm-approval-panel")

    def refresh(self, claims=None) -> None:
        """Re-read the queue and the patients with claims (``claims``: the page's claims frame)."""
        month = self.month()
        self._just.clear()
        if self.can_approve:
            rows = [x for x in self.wb.approval_queue(month) if not x["own"]]
            self.queue.options = [(f'Entry {x["entry_id"]} · {x["service_date"]} · {x["patient_id"]} · {x["staff_id"]}'
                                   f'{" (" + x["credential"] + ")" if x["credential"] else ""} · {x["minutes"]} min '
                                   f'{x["service"]} {x["activity"]}', x["entry_id"]) for x in rows]
            weeks: dict[tuple, int] = {}
            for x in rows:
                weeks[(x["staff_id"], x["week_start"])] = weeks.get((x["staff_id"], x["week_start"]), 0) + 1
            self.week.options = [(f"{sid}, week of {monday.isoformat()} ({n} entr{'y' if n == 1 else 'ies'})",
                                  (sid, monday)) for (sid, monday), n in sorted(weeks.items())]
            self.week.index = None  # the person picks a timesheet: a double click never approves the next one
        pids = sorted(set(claims["patient_id"])) if claims is not None and len(claims) else []
        self.patient.options = pids
        self.patient.index = 0 if pids else None
        self.packet.value = ""

    def _changed(self) -> None:
        if self.on_change:
            self.on_change()
        else:
            self.refresh()

    def approve(self):
        ids = list(self.queue.value)
        if not ids:
            return KEEP if "approve" in self._just else self._say("Choose the entries to approve first.", "warn")
        self._just.discard("approve")
        try:
            self.wb.approve_time(ids)
        except WorkbenchError as exc:
            return self._say(str(exc), "error")
        self._changed()
        self._just.add("approve")
        self.msg.using("approve")
        return self._say(f"Approved {len(ids)} time entr{'y' if len(ids) == 1 else 'ies'}.", "ok")

    def approve_week(self):
        if self.week.value is None:
            if "week" in self._just:
                return KEEP
            return self._say("Choose a timesheet first." if self.week.options else
                             "No timesheet waiting this month.", "info")
        self._just.discard("week")
        sid, monday = self.week.value
        try:
            n = self.wb.approve_week(sid, monday)
        except WorkbenchError as exc:
            return self._say(str(exc), "error")
        self._changed()
        self._just.add("week")
        self.msg.using("week")
        return self._say(f"Approved the timesheet of {sid}, week of {monday.isoformat()}: {n} entries.", "ok")

    def sign(self):
        try:
            out = self.wb.sign_claims(self.month())
        except WorkbenchError as exc:
            return self._say(str(exc), "error")
        if not out["signed"] and "sign" in self._just:
            return KEEP  # the second half of a double click: the claims were signed once
        if out["signed"]:
            self._changed()
            self._just.add("sign")
        self.msg.using("sign")
        waiting = sum(1 for why in out["skipped"].values() if "not yet approved" in why)
        text = f"Signed {len(out['signed'])} claim(s) of {self.month()}."
        if waiting:
            text += f" {waiting} wait for time approval."
        return self._say(text, "ok" if out["signed"] else "info")

    def open_packet(self):
        pid = self.patient.value
        if not pid:
            return self._say("No claim this month to open a packet for.", "info")
        try:
            packet = self.wb.audit_packet(pid, self.month(), place="page:month")
        except WorkbenchError as exc:
            return self._say(str(exc), "error")
        name = f"audit-packet-{pid}-{self.month()}"
        self.packet.value = (packet_html(packet)
                             + data_link(packet_pdf(packet), f"{name}.pdf", "application/pdf", "Download PDF",
                                         "ccm-download ccm-packet-pdf")
                             + data_link(packet_json(packet).encode("utf-8"), f"{name}.json", "application/json",
                                         "Download JSON", "ccm-download ccm-packet-json"))
        return self._say(f"Audit packet of {pid}, {self.month()}: below.", "ok")

    def _say(self, text: str, kind: str):
        self.msg.value = message(text, kind)
        return None
