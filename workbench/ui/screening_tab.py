"""The screening tab: PHQ-2, then PHQ-9 when positive, scored as you answer; SDOH core domains.

Reference, "Screening instruments": PHQ-2 positive at 3 or more leads to PHQ-9; PHQ-9 item 9
above 0 requires same-day escalation: ``wb.record_phq`` opens it in the same transaction as
the answers. The AHC HRSN core domains (housing, food, transportation, utilities, safety)
each become an open barrier when positive (``wb.record_sdoh``).
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.rules import score_phq2, score_phq9
from workbench.service import Workbench

from .feedback import KEEP, FormMessages, on_click
from .unsaved import watch
from .html import esc, message, table
from .names import staff_name, staff_names

ANSWERS = [("Not at all (0)", 0), ("Several days (1)", 1), ("More than half the days (2)", 2),
           ("Nearly every day (3)", 3)]
PHQ9_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed, or the opposite: being fidgety or restless",
    "Thoughts that you would be better off dead, or of hurting yourself in some way",
)
SDOH_QUESTIONS = {
    r.BarrierDomain.HOUSING: "Housing: worried about losing housing, or housing problems (pests, mold, heat)?",
    r.BarrierDomain.FOOD: "Food: worried food would run out, or it ran out, in the past 12 months?",
    r.BarrierDomain.TRANSPORTATION: "Transportation: lack of it kept you from appointments or getting medicine?",
    r.BarrierDomain.UTILITIES: "Utilities: electric, gas, oil or water company threatened to shut off services?",
    r.BarrierDomain.SAFETY: "Safety: anyone hurts, insults, threatens or screams at you?",
}


def _item(number: int, text: str, css: str) -> w.Dropdown:
    dd = w.Dropdown(options=[("-", None)] + ANSWERS, value=None, layout=w.Layout(width="230px"))
    dd.add_class(css)
    return dd


class ScreeningTab(w.VBox):
    def __init__(self, wb: Workbench, pid: str, on_escalation: Callable[[r.Escalation], None] | None = None,
                 on_change: Callable[[], None] | None = None):
        self.wb = wb
        self.pid = pid
        self.on_escalation = on_escalation
        self.on_change = on_change
        self.phq2 = [_item(i + 1, PHQ9_ITEMS[i], f"ccm-phq2-item{i + 1}") for i in range(2)]
        self.phq9 = [_item(i + 1, PHQ9_ITEMS[i], f"ccm-phq9-item{i + 1}") for i in range(9)]
        for dd in self.phq2 + self.phq9:
            dd.observe(lambda _: self._score(), "value")
        self.phq2_score = w.HTML()
        self.phq2_score.add_class("ccm-phq2-score")
        self.phq9_score = w.HTML()
        self.phq9_score.add_class("ccm-phq9-score")
        self.phq2_button = w.Button(description="Record PHQ-2", icon="save")
        self.phq2_button.add_class("ccm-phq2-record")
        self.msg = FormMessages("ccm-screening-msg", "phq2", "phq9", "sdoh")
        on_click(self.phq2_button, self.record_phq2, self.msg, "phq2")
        self.phq9_button = w.Button(description="Record PHQ-9", button_style="primary", icon="save")
        self.phq9_button.add_class("ccm-phq9-record")
        on_click(self.phq9_button, self.record_phq9, self.msg, "phq9")
        self.show_phq9 = w.Button(description="Go to PHQ-9", icon="arrow-down")
        self.show_phq9.add_class("ccm-phq9-open")
        self.show_phq9.on_click(lambda _: self._open_phq9())
        rows9 = [w.HBox([w.HTML(f"{i + 1}. {esc(t)}", layout=w.Layout(width="560px")), dd])
                 for i, (t, dd) in enumerate(zip(PHQ9_ITEMS, self.phq9))]
        self.phq9_box = w.VBox([w.HTML('<div class="ccm-section-title">PHQ-9</div>'
                                       "Over the last 2 weeks, how often have you been bothered by:"),
                                *rows9, self.phq9_score, self.phq9_button, self.msg.slot("phq9")])
        self.phq9_box.add_class("ccm-phq9")
        self.phq9_box.layout.display = "none"
        rows2 = [w.HBox([w.HTML(f"{i + 1}. {esc(PHQ9_ITEMS[i])}", layout=w.Layout(width="560px")), dd])
                 for i, dd in enumerate(self.phq2)]
        self.sdoh = {d: w.Checkbox(value=False, description=q, indent=False, layout=w.Layout(width="760px"))
                     for d, q in SDOH_QUESTIONS.items()}
        for d, box in self.sdoh.items():
            box.add_class(f"ccm-sdoh-{d.value}")
        self.sdoh_note = w.Text(placeholder="Note (optional)", description="Note", layout=w.Layout(width="520px"))
        self.sdoh_button = w.Button(description="Record SDOH screen", icon="save", layout=w.Layout(width="auto"))
        self.sdoh_button.add_class("ccm-sdoh-record")
        on_click(self.sdoh_button, self.record_sdoh, self.msg, "sdoh")
        self.history = w.HTML()
        super().__init__([
            w.HTML('<div class="ccm-section-title">PHQ-2</div>'
                             "Over the last 2 weeks, how often have you been bothered by:"),
            *rows2, self.phq2_score, w.HBox([self.phq2_button, self.show_phq9]), self.msg.slot("phq2"),
            self.phq9_box,
            w.HTML('<div class="ccm-section-title">Social needs (AHC HRSN core domains)</div>'),
            *self.sdoh.values(), self.sdoh_note, self.sdoh_button, self.msg.slot("sdoh"),
            w.HTML('<div class="ccm-section-title">Past screens</div>'), self.history])
        self.add_class("ccm-screening-tab")
        self.unsaved = watch(self, self.sdoh_note)
        self._score()
        self.refresh()

    def _open_phq9(self) -> None:
        self.phq9_box.layout.display = None
        for src, dst in zip(self.phq2, self.phq9):
            if dst.value is None:
                dst.value = src.value

    def _score(self) -> None:
        self._just_recorded = False  # an answer changed: the next click records it
        a2 = [d.value for d in self.phq2]
        if None in a2:
            self.phq2_score.value = message(f"PHQ-2: {sum(x or 0 for x in a2)} so far "
                                            f"({2 - a2.count(None)} of 2 answered).", "info")
        else:
            res = score_phq2(a2)
            self.phq2_score.value = message(res.message + (": go on to the PHQ-9." if res.positive else "."),
                                            "warn" if res.positive else "ok")
            if res.positive:
                self._open_phq9()
        a9 = [d.value for d in self.phq9]
        if a9[8]:
            self.phq9_score.value = message("Item 9 is above 0: saving this PHQ-9 opens a same-day "
                                            "suicide-risk escalation. Stay with the patient; 988 is the "
                                            "Suicide & Crisis Lifeline.", "error")
        elif None in a9:
            self.phq9_score.value = message(f"PHQ-9: {sum(x or 0 for x in a9)} so far "
                                            f"({9 - a9.count(None)} of 9 answered).", "info")
        else:
            self.phq9_score.value = message(score_phq9(a9).message + ".", "ok")
        if None not in a9 and a9[8]:
            self.phq9_score.value = message(score_phq9(a9).message + ". Saving opens the escalation.", "error")

    def record_phq2(self):
        return self._record("PHQ-2", self.phq2)

    def record_phq9(self):
        return self._record("PHQ-9", self.phq9)

    def _record(self, instrument: str, items: list):
        answers = [d.value for d in items]
        self.msg.using("phq2" if instrument == "PHQ-2" else "phq9")
        if all(x is None for x in answers) and self._just_recorded:
            return KEEP  # the form was emptied by the last success (a double click): keep its result
        if None in answers:
            self.msg.value = message(f"Answer every {instrument} question before recording it.", "warn")
            return None
        try:
            qr, esc_ = self.wb.record_phq(self.pid, instrument, answers)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        if esc_ is not None:
            self.msg.value = message(f"{instrument} recorded, total {qr.score}. ESCALATION OPENED: {esc_.reason}. "
                                     "Follow the protocol in the Escalation tab now.", "error")
            if self.on_escalation:
                self.on_escalation(esc_)
        else:
            self.msg.value = message(f"{instrument} recorded, total {qr.score}.", "ok")
        for d in items:  # cleared: a second click records nothing twice
            d.value = None
        if instrument == "PHQ-9":
            for d in self.phq2:
                d.value = None
        self._just_recorded = True
        self.refresh()
        if self.on_change:
            self.on_change()
        return qr, esc_

    def record_sdoh(self):
        self.msg.using("sdoh")
        try:
            found = self.wb.record_sdoh(self.pid, {d: b.value for d, b in self.sdoh.items()}, self.sdoh_note.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        names = ", ".join(b.domain.value for b in found) or "none"
        self.msg.value = message(f"SDOH screen recorded. Needs found (now open barriers): {names}.", "ok")
        for b in self.sdoh.values():
            b.value = False
        self.sdoh_note.value = ""
        self.refresh()
        if self.on_change:
            self.on_change()
        return found

    def refresh(self) -> None:
        chart_q = self.wb.chart(self.pid).questionnaires
        names = staff_names(self.wb)
        rows = [(q.recorded_at.astimezone(self.wb.tz).strftime("%Y-%m-%d %H:%M"), q.instrument,
                 "" if q.score is None else q.score, staff_name(names, q.recorded_by)) for q in reversed(chart_q)]
        self.history.value = (table(("When", "Instrument", "Score", "By"), rows) if rows
                              else message("No screens recorded.", "info"))
