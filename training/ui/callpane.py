"""The call pane: the patient's side of a call, docked beside the real chart.

It shows what the patient says and what the trainee says back: the spoken choices (shuffled
for the attempt, labels only), and a box for the trainee's own words, which go into the
transcript. Nothing here writes the chart: what the trainee DOES is done in the chart's own
tabs (``CallDock`` puts the pane next to ``workbench.ui.chart.ChartView``).

Security: the pane is built from ``Attempt.options()`` (id and label) and the transcript
(speaker and text); no rubric, feedback or scripted path is put in any widget.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.ui.feedback import FormMessages
from workbench.ui.unsaved import watch
from workbench.ui.html import esc, message

from training.engine import Attempt

from .common import sim_time

SPEAKERS = {"patient": "Patient", "trainee": "You", "narrator": "Narrator"}


def transcript_html(lines) -> str:
    """Lines as (speaker, text) pairs or dicts, escaped."""
    body = ""
    for ln in lines:
        speaker, text = (ln["speaker"], ln["text"]) if isinstance(ln, dict) else (ln.speaker, ln.text)
        body += (f'<div class="trn-line trn-{esc(speaker)}"><b>{esc(SPEAKERS.get(speaker, speaker))}'
                 f'</b>{esc(text)}</div>')
    return f'<div class="trn-transcript"><div>{body}</div></div>'


class CallPane(w.VBox):
    """One patient's call: transcript, spoken choices, free text, hang up, the attempt clock."""

    def __init__(self, attempt: Attempt, patient_id: str,
                 on_change: Callable[[], None] | None = None):
        self.attempt = attempt
        self.patient_id = patient_id
        self.on_change = on_change
        self.clock = w.HTML()
        self.clock.add_class("trn-clock-box")
        case = attempt.record.case(patient_id)
        sc = attempt.scenarios.get(case.scenario_id) if case.scenario_id else None
        why = sc.situation if sc is not None else (
            "A routine monthly check-in: nothing new is known about this patient today.")
        self.situation = w.HTML(f'<div class="trn-situation"><b>Why this call:</b> {esc(why)}</div>')
        self.situation.add_class("trn-situation-box")
        self.transcript = w.HTML()
        self.transcript.add_class("trn-transcript-box")
        self.options = w.VBox()
        self.options.add_class("trn-options")
        self._shown: list[tuple[str, str]] | None = None  #: the choices the buttons show
        self.free = w.Text(placeholder="Or say it in your own words", layout=w.Layout(width="100%"))
        self.free.add_class("trn-free-text")
        say = w.Button(description="Say", icon="comment", layout=w.Layout(width="80px"))
        say.add_class("trn-say")
        say.on_click(lambda _: self.say_text())
        self.call_button = w.Button(description="Call", icon="phone", button_style="success",
                                    layout=w.Layout(width="auto"))
        self.call_button.add_class("trn-call")
        self.call_button.on_click(lambda _: self.call())
        self.hang_button = w.Button(description="Hang up", icon="phone-slash",
                                    layout=w.Layout(width="auto"))
        self.hang_button.add_class("trn-hang-up")
        self.hang_button.on_click(lambda _: self.hang_up())
        # over what you say and the call buttons: announced, cleared by the next action or screen
        self.msg = FormMessages("trn-msg", "call")
        self.wait = w.Button(description="Wait on the line (2 minutes)", icon="hourglass-half",
                             layout=w.Layout(width="auto"))
        self.wait.add_class("trn-wait-line")
        self.wait.on_click(lambda _: self._do(lambda: self.attempt.advance(2)))
        self.hint = w.HTML('<div class="ccm-msg ccm-msg-info">If you have nothing more to say or do now, '
                           'you can stay on the line and let a little time pass.</div>')
        self.hint.add_class("trn-wait-hint")
        self.waiting = w.VBox([self.hint, self.wait])
        self.talk = w.VBox([w.HTML('<div class="ccm-section-title">What you say</div>'),
                            self.options, w.HBox([self.free, say]), self.waiting])
        super().__init__([self.clock, self.situation, self.transcript, self.msg.slot("call"), self.talk,
                          w.HBox([self.call_button, self.hang_button])])
        self.add_class("trn-call-pane")
        self.unsaved = watch(self, self.free)
        self.layout.flex = "0 0 36%"
        self.layout.min_width = "400px"
        self.refresh()

    @property
    def on_call(self) -> bool:
        return self.attempt.record.active == self.patient_id

    def refresh(self) -> None:
        rec = self.attempt.record
        lines = [ln for ln in rec.transcript if ln.patient_id == self.patient_id]
        tz = self.attempt.workbench.tz
        state = "on the call" if self.on_call else "not on a call"
        self.clock.value = (f'<div>Clock: <span class="trn-clock">'
                            f'{esc(sim_time(self.attempt.clock.peek(), tz))}</span> &middot; '
                            f'{esc(state)}</div>')
        # the buttons are rebuilt only when the choices change (a click on a button being replaced
        # would be lost), and before the transcript: once a new line shows, the buttons are current
        shown = [(o.id, o.label) for o in self.attempt.options()] if self.on_call else []
        if shown != self._shown:
            buttons = []
            for oid, label in shown:
                b = w.Button(description=label, tooltip=label, layout=w.Layout(width="100%"))
                b.add_class("trn-option")
                b.on_click(lambda _, oid=oid: self.say(oid))
                buttons.append(b)
            stale, self._shown = self.options.children, shown
            self.options.children = buttons
            for b in stale:
                b.close()
        self.transcript.value = transcript_html(lines)
        finished = self.attempt.finished
        self.talk.layout.display = None if self.on_call else "none"
        self.waiting.layout.display = None if self.on_call and self.attempt.waiting_helps() else "none"
        self.situation.layout.display = "none" if self.on_call else None  # the narrator says it
        self.call_button.disabled = finished or rec.active is not None
        self.hang_button.disabled = finished or not self.on_call

    def _do(self, fn) -> None:
        try:
            fn()
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.msg.value = ""
        self.refresh()
        if self.on_change:
            self.on_change()

    def call(self) -> None:
        self._do(lambda: self.attempt.call(self.patient_id))

    def say(self, option_id: str) -> None:
        self._do(lambda: self.attempt.say(option_id))

    def say_text(self) -> None:
        text = self.free.value

        def go():
            self.attempt.say_text(text)
            self.free.value = ""
        self._do(go)

    def hang_up(self) -> None:
        self._do(self.attempt.hang_up)


class CallDock(w.HBox):
    """The real chart widget with the call pane docked at its side."""

    def __init__(self, chart: w.Widget, pane: CallPane):
        self.chart = chart
        self.pane = pane
        chart.layout.flex = "1 1 0"
        chart.layout.min_width = "0"
        super().__init__([chart, pane], layout=w.Layout(align_items="flex-start", width="100%"))
        self.add_class("trn-call-dock")
