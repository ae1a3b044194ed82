"""The chart: a header with what a care manager needs before a call, and one tab per task.

The header shows age, conditions, allergies, medications, care team,
contact preferences, caregiver, emergency contacts and CCM eligibility (reference,
"Who is eligible"). Tabs: Care plan, Time, Consent, Contacts, Screening, Barriers, Escalation,
Trends.
"""

from __future__ import annotations

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle

from workbench import records as r
from workbench.service import Workbench

from .barriers_tab import BarriersTab
from .careplan_tab import CarePlanTab
from .consent_tab import ConsentTab
from .contacts_tab import ContactsTab
from .escalation_tab import EscalationTab
from .html import badge, esc
from .lifecycle import freeze, layout, style
from .screening_tab import ScreeningTab
from .time_tab import TimeTab
from .timer_bar import TimerBar, minutes_since
from .trends_tab import TrendsTab

TAB_TITLES = ("Care plan", "Time", "Consent", "Contacts", "Screening", "Barriers", "Escalation", "Trends")


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
    conds = "".join(f"<li>{esc(c.display or c.icd10)} <span class='ccm-muted'>{esc(c.icd10)}</span></li>"
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
             ("Allergies", allergies or "No known allergies"))
    short = elig_text.split(": ")[0] + (f" ({len(elig.categories)} chronic categories)"
                                        if getattr(elig, "categories", None) else "")
    eligibility = (f'<details class="ccm-eligibility"><summary>{esc(short)}</summary>'
                   f'<div class="ccm-eligibility-detail">{esc(elig_text)}</div></details>')
    left = ('<table class="ccm-facts">' + "".join(
        f'<tr><th>{esc(k)}</th><td>{esc(v) or "&mdash;"}</td></tr>' for k, v in facts)
        + f"<tr><th>Eligibility</th><td>{eligibility}</td></tr></table>")
    return (f'<div class="ccm-card ccm-chart-header"><div class="ccm-chart-title">'
            f'<span class="ccm-patient-name">{esc(p.name)}</span>'
            f'<span class="ccm-muted">{esc(p.id)}</span>{badges}</div>'
            f'<div class="ccm-chart-columns">'
            f'<div>{left}</div><div><b>Conditions</b><ul>{conds}</ul></div>'
            f'<div><b>Medications</b><ul>{meds}</ul></div></div></div>')


#: Work that offers a timer when none runs: kind -> (activity, what the offer says).
RECORDED_WORK = {
    "consent": (r.Activity.PATIENT_CALL, "Consent recorded"),
    "contacts": (r.Activity.PATIENT_CALL, "Contact logged"),
    "screening": (r.Activity.SCREENING, "Screening recorded"),
    "barriers": (r.Activity.COMMUNITY_RESOURCES, "Barrier recorded"),
    "escalation": (r.Activity.ESCALATION, "Escalation step recorded"),
    "careplan": (r.Activity.CARE_PLAN, "Care plan saved"),
}

#: Tab title -> attribute of :class:`ChartView` holding the tab (built on first use).
TAB_KEYS = dict(zip(TAB_TITLES, ("careplan", "time", "consent", "contacts", "screening", "barriers", "escalation",
                                 "trends")))


class ChartView(w.VBox):
    """Header and tabs of one patient's chart. Tabs are built when first shown (or first used
    as ``view.careplan``, ``view.time``...): opening a chart sends the header and one tab only."""

    def __init__(self, wb: Workbench, pid: str, timer_bar: TimerBar | None = None, first_tab: bool = True,
                 read_only: bool | None = False, read_only_note: str | None = None):
        """``read_only=None``: read-only when the patient is a practice patient (practice charts
        are worked inside a practice shift)."""
        self.wb = wb
        self.read_only_note = read_only_note  #: what the read-only banner says (default: a supervisor's view)
        self.pid = pid
        self.timer_bar = timer_bar or TimerBar(wb, live=False)
        self.data = wb.open_chart(pid, "page:chart")  # recorded in the access log
        self._plans_just_read = self.data.care_plan_history  #: for the care-plan tab built at once
        if read_only is None:
            read_only = getattr(self.data.patient, "scope", "live") != "live"
        self.read_only = read_only  #: every control disabled (a supervisor reading a practice chart)
        self.since = wb.now()  #: start of the work not yet timed (for the "log the minutes" offer)
        # made with their classes, titles and shared layouts: one message each to the page
        self.header = w.HTML(self._header(), layout=layout(), style=style(HTMLStyle),
                             _dom_classes=("ccm-chart-header-box",))
        self.built: dict[str, w.Widget] = {}
        self.pages = [w.VBox(layout=layout(), _dom_classes=(f"ccm-tab-page-{TAB_KEYS[title]}",))
                      for title in TAB_TITLES]
        self.tabs = w.Tab(self.pages, titles=TAB_TITLES, _dom_classes=("ccm-chart-tabs",))
        self.tabs.observe(self._tab_changed, "selected_index")
        super().__init__([self.header, self.tabs],
                         _dom_classes=("ccm-chart", *(("ccm-chart-read-only",) if read_only else ())))
        if first_tab:
            self.ensure_tab()

    def ensure_tab(self) -> w.Widget:
        """Build the tab on screen (the app calls this after the header is shown). Built now, the
        care-plan tab shows the versions read with the chart a moment ago; built later (another
        tab was shown first), it reads them again."""
        try:
            return self.tab(TAB_KEYS[TAB_TITLES[self.tabs.selected_index or 0]])
        finally:
            self._plans_just_read = None

    # ------------------------------------------------------------------ tabs, built on first use
    def _build(self, key: str) -> w.Widget:
        wb, pid, chart = self.wb, self.pid, self.data
        ok, why = chart.consent.valid, chart.consent.reason
        if key == "careplan":
            history, self._plans_just_read = self._plans_just_read, None
            return CarePlanTab(wb, pid, ok, why, on_saved=lambda: self.recorded("careplan"), patient=chart.patient,
                               history=history)
        if key == "time":
            return TimeTab(wb, pid, self.timer_bar, ok, why)
        if key == "consent":
            return ConsentTab(wb, pid, on_change=lambda: self.recorded("consent"))
        if key == "contacts":
            return ContactsTab(wb, pid, on_change=lambda: self.recorded("contacts"))
        if key == "barriers":
            return BarriersTab(wb, pid, on_change=lambda: self.recorded("barriers"))
        if key == "escalation":
            return EscalationTab(wb, pid, on_change=lambda: self.recorded("escalation"),
                                 on_opened=self.escalation_opened)
        if key == "screening":
            return ScreeningTab(wb, pid, on_escalation=self._escalated, on_change=lambda: self.recorded("screening"))
        if key == "trends":
            return TrendsTab(wb, pid, chart.observations, chart.care_plan.plan if chart.care_plan else None)
        raise KeyError(key)

    def tab(self, key: str) -> w.Widget:
        """The tab ``key`` (``careplan``, ``time``...), built and placed on its page if needed."""
        if key not in self.built:
            widget = self._build(key)
            if self.read_only:
                widget.read_only = True  # what the tab builds later (a folded section) is frozen too
                freeze(widget)
            self.built[key] = widget
            self.pages[list(TAB_KEYS.values()).index(key)].children = [widget]
        return self.built[key]

    careplan = property(lambda self: self.tab("careplan"))
    time = property(lambda self: self.tab("time"))
    consent = property(lambda self: self.tab("consent"))
    contacts = property(lambda self: self.tab("contacts"))
    screening = property(lambda self: self.tab("screening"))
    barriers = property(lambda self: self.tab("barriers"))
    escalation = property(lambda self: self.tab("escalation"))
    trends = property(lambda self: self.tab("trends"))

    def select(self, title: str) -> w.Widget:
        """Show the tab titled ``title`` and return it."""
        self.tabs.selected_index = TAB_TITLES.index(title)
        return self.tab(TAB_KEYS[title])

    def detach(self) -> None:
        """Stop listening to the work bar (the chart is leaving the screen)."""
        mine = set(map(id, self.built.values()))
        self.timer_bar.listeners[:] = [fn for fn in self.timer_bar.listeners
                                       if id(getattr(fn, "__self__", None)) not in mine]

    def _tab_changed(self, change) -> None:
        if change["new"] is None:
            return
        title = TAB_TITLES[change["new"]]
        widget = self.tab(TAB_KEYS[title])
        if title == "Trends":
            widget.draw()

    def recorded(self, kind: str) -> bool:
        """Work of ``kind`` (a key of :data:`RECORDED_WORK`) was saved: refresh the header and,
        when no timer runs, offer in the work bar to start one or to log the minutes since the
        chart was opened (or since the last offer). Returns whether the offer is shown."""
        self.refresh_header()
        if kind == "screening" and "barriers" in self.built:
            self.built["barriers"].refresh()  # an SDOH screen opens barriers
        activity, what = RECORDED_WORK[kind]
        shown = self.timer_bar.offer(self.pid, activity, what, minutes=min(60, minutes_since(self.wb, self.since)))
        self.since = self.wb.now()
        return shown

    def escalation_opened(self, escalation) -> None:
        """An escalation is a crisis call: its time is captured by starting a timer (activity
        "escalation") when none runs; a running timer keeps running. On a clock that stands still
        (a practice attempt between calls) a timer would capture nothing and could never be
        stopped: the offer to log the minutes is shown instead, as for any other recorded work."""
        if self.wb.running_timer() is None:
            if getattr(self.wb.clock, "running", True):
                self.timer_bar.start(r.Activity.ESCALATION.value, note=f"Escalation #{escalation.id}", pid=self.pid)
            else:
                self.recorded("escalation")

    def _escalated(self, escalation) -> None:
        self.escalation_opened(escalation)
        self.escalation.refresh(select=escalation.id)
        self.tabs.selected_index = TAB_TITLES.index("Escalation")

    def _header(self) -> str:
        html = header_html(self.wb, self.data)
        if self.read_only:
            note = esc(self.read_only_note) if self.read_only_note else (
                'A practice patient, shown read-only: what the trainee recorded, as they left it. Practice '
                'charts are worked inside a practice shift on the Training page.')
            html = f'<div class="ccm-msg ccm-msg-info ccm-read-only-note">{note}</div>' + html
        return html

    def refresh_header(self) -> None:
        chart = self.data = self.wb.chart(self.pid)
        self.header.value = self._header()
        ok, why = chart.consent.valid, chart.consent.reason
        for key, text in (("careplan", "before care-plan work counts."),
                          ("time", "Time recorded now will not be billable until consent is on record.")):
            tab = self.built.get(key)
            if tab is None:
                continue
            tab.banner.value = "" if ok else (
                f'<div class="ccm-msg ccm-msg-warn">No valid CCM consent: {esc(why)} {esc(text)}</div>')
            tab.banner.remove_class("ccm-consent-missing" if ok else "ccm-consent-ok")
            tab.banner.add_class("ccm-consent-ok" if ok else "ccm-consent-missing")
        if "time" in self.built:
            self.built["time"].refresh()
        if self.timer_bar.patient_id == self.pid:
            self.timer_bar.refresh()
        if self.read_only:
            for tab in self.built.values():
                freeze(tab)


def find_patients(wb: Workbench, text: str, limit: int = 20, scope: str = "live") -> list:
    """Patients of ``scope`` whose id is ``text`` or whose name contains it (case-insensitive),
    best first."""
    text = text.strip()
    if not text:
        return []
    low = text.lower()
    found = []
    for p in wb.patients(scope):
        if p.id.lower() == low:
            return [p]
        if low in p.name.lower() or low in p.id.lower():
            found.append(p)
    found.sort(key=lambda p: (not p.name.lower().startswith(low), p.name))
    return found[:limit]


class ChartPicker(w.VBox):
    """Open a chart by name or id: one match opens it, several are listed to choose from."""

    def __init__(self, wb: Workbench, on_open, value: str = ""):
        self.wb = wb
        self.on_open = on_open
        self.box = w.Text(value=value, placeholder="Name or patient ID", description="Patient",
                          continuous_update=False, layout=w.Layout(width="340px"))
        self.box.add_class("ccm-chart-pid")
        self.box.observe(lambda _: self.go(), "value")  # Enter (or leaving the box) opens
        self.button = w.Button(description="Open chart", icon="folder-open", layout=w.Layout(width="130px"))
        self.button.add_class("ccm-chart-go")
        from .feedback import FormMessages, on_click

        # the answer under the box and its button, announced; cleared by the next action or view
        self.msg = FormMessages("ccm-chart-picker-msg", "go")
        on_click(self.button, self.go, self.msg, "go")
        self.choices = w.VBox()
        self.choices.add_class("ccm-chart-choices")
        super().__init__([w.HBox([self.box, self.button]), self.msg.slot("go"), self.choices])
        self.add_class("ccm-chart-picker")

    def go(self) -> list:
        from .html import message

        text = self.box.value.strip()
        if not text:
            self.msg.value = message("Type a name or a patient ID (for example P00001).", "warn")
            return []
        found = find_patients(self.wb, text)
        self.choices.children = ()
        if not found:
            self.msg.value = message("No patient matches what you typed.", "error")
        elif len(found) == 1:
            self.msg.value = ""
            self.on_open(found[0].id)
        else:
            self.msg.value = message(f"{len(found)} patients match: choose one.", "info")
            buttons = []
            for p in found:
                b = w.Button(description=f"{p.name} ({p.id})", layout=w.Layout(width="auto"))
                b.add_class("ccm-chart-choice")
                b.on_click(lambda _, pid=p.id: self.on_open(pid))
                buttons.append(b)
            self.choices.children = buttons
        return found
