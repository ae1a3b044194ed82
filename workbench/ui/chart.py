"""The chart: a header with what a care manager needs before a call, and one tab per task.

Issue 5, section 3. The header shows age, conditions, allergies, medications, care team,
contact preferences, caregiver, emergency contacts and CCM eligibility (reference,
"Who is eligible"). Tabs: Care plan, Time, Consent, Contacts, Screening, Escalation, Trends.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.service import Workbench

from .careplan_tab import CarePlanTab
from .consent_tab import ConsentTab
from .contacts_tab import ContactsTab
from .escalation_tab import EscalationTab
from .html import badge, esc
from .screening_tab import ScreeningTab
from .time_tab import TimeTab
from .timer_bar import TimerBar
from .trends_tab import TrendsTab

TAB_TITLES = ("Care plan", "Time", "Consent", "Contacts", "Screening", "Escalation", "Trends")


def _person(p) -> str:
    if p is None:
        return ""
    bits = [p.name]
    if p.relationship:
        bits.append(f"({p.relationship})")
    if p.phone:
        bits.append(p.phone)
    if p.authorized:
        bits.append("- may discuss care")
    return " ".join(bits)


def header_html(wb: Workbench, chart) -> str:
    """The chart header; every value escaped."""
    p = chart.patient
    today = wb.today()
    elig = chart.eligibility
    elig_ok = elig.ccm_eligible
    elig_text = elig.reason
    conds = "".join(f"<li>{esc(c.display or c.icd10)} <span style='color:#52606d'>{esc(c.icd10)}</span></li>"
                    for c in chart.conditions) or "<li>none recorded</li>"
    meds = "".join(f"<li>{esc(m.name)} {esc(m.dose)} {esc(m.frequency)}</li>"
                   for m in chart.medications if m.status == "active") or "<li>none recorded</li>"
    allergies = ", ".join(f"{a.substance}" + (f" ({a.reaction})" if a.reaction else "") for a in chart.allergies)
    team = "; ".join(f"{u.name}{', ' + u.credential if u.credential else ''} ({u.role.value.replace('_', ' ')})"
                     for u in chart.care_team.values())
    prefs = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in (p.contact_preferences or {}).items())
    emergency = "; ".join(_person(x) for x in p.emergency_contacts)
    consent_ok = chart.consent.valid
    open_esc = [e for e in chart.escalations if e.is_open]
    badges = (badge("CCM eligible", "ok") if elig_ok else badge(f"Program: {elig.program}", "warn")) + (
        badge("Consent valid", "ok") if consent_ok else badge("No valid consent", "danger")) + (
        badge(f"{len(open_esc)} open escalation(s)", "danger") if open_esc else "")
    facts = (("Age", f"{p.age_on(today)} ({p.sex}), born {p.birth_date}"), ("Phone", p.phone),
             ("Language", p.language), ("Contact preferences", prefs), ("Caregiver", _person(p.caregiver)),
             ("Emergency contacts", emergency), ("Care team", team),
             ("Allergies", allergies or "No known allergies"), ("Eligibility", elig_text))
    left = ('<table class="ccm-facts">' + "".join(
        f'<tr><th>{esc(k)}</th><td>{esc(v) or "&mdash;"}</td></tr>' for k, v in facts) + "</table>")
    return (f'<div class="ccm-card ccm-chart-header"><div style="display:flex;align-items:baseline;gap:12px">'
            f'<span style="font-size:20px;font-weight:700" class="ccm-patient-name">{esc(p.name)}</span>'
            f'<span style="color:#52606d">{esc(p.id)}</span>{badges}</div>'
            f'<div style="display:grid;grid-template-columns:1.3fr 1fr 1fr;gap:16px;margin-top:8px">'
            f'<div>{left}</div><div><b>Conditions</b><ul>{conds}</ul></div>'
            f'<div><b>Medications</b><ul>{meds}</ul></div></div></div>')


class ChartView(w.VBox):
    def __init__(self, wb: Workbench, pid: str, timer_bar: TimerBar | None = None):
        self.wb = wb
        self.pid = pid
        self.timer_bar = timer_bar or TimerBar(wb, live=False)
        chart = wb.chart(pid)
        self.header = w.HTML(header_html(wb, chart))
        self.header.add_class("ccm-chart-header-box")
        ok, why = chart.consent.valid, chart.consent.reason
        self.careplan = CarePlanTab(wb, pid, ok, why)
        self.time = TimeTab(wb, pid, self.timer_bar, ok, why)
        self.consent = ConsentTab(wb, pid, on_change=self.refresh_header)
        self.contacts = ContactsTab(wb, pid, on_change=self.refresh_header)
        self.escalation = EscalationTab(wb, pid, on_change=self.refresh_header)
        self.screening = ScreeningTab(wb, pid, on_escalation=self._escalated, on_change=self.refresh_header)
        self.trends = TrendsTab(wb, pid, chart.observations, chart.care_plan.plan if chart.care_plan else None)
        self.tabs = w.Tab([self.careplan, self.time, self.consent, self.contacts, self.screening,
                           self.escalation, self.trends])
        for i, title in enumerate(TAB_TITLES):
            self.tabs.set_title(i, title)
        self.tabs.add_class("ccm-chart-tabs")
        self.tabs.observe(self._tab_changed, "selected_index")
        super().__init__([self.header, self.tabs])
        self.add_class("ccm-chart")

    def _tab_changed(self, change) -> None:
        if change["new"] == TAB_TITLES.index("Trends"):
            self.trends.draw()

    def _escalated(self, escalation) -> None:
        self.escalation.refresh(select=escalation.id)
        self.tabs.selected_index = TAB_TITLES.index("Escalation")

    def refresh_header(self) -> None:
        chart = self.wb.chart(self.pid)
        self.header.value = header_html(self.wb, chart)
        ok, why = chart.consent.valid, chart.consent.reason
        for tab, text in ((self.careplan, "before care-plan work counts."),
                          (self.time, "Time recorded now will not be billable until consent is on record.")):
            tab.banner.value = "" if ok else (
                f'<div class="ccm-msg ccm-msg-warn">No valid CCM consent: {esc(why)} {esc(text)}</div>')
            tab.banner.remove_class("ccm-consent-missing" if ok else "ccm-consent-ok")
            tab.banner.add_class("ccm-consent-ok" if ok else "ccm-consent-missing")
        self.time.refresh()
