"""Helpers for the training UI tests: the staff they use, and what must never reach a trainee's
browser before release: the rubric's feedback texts and titles, and the notes of the model and
failing paths."""

from __future__ import annotations

import html
import json
import sys

import ipywidgets as w

from workbench.records import Credential, Role, User

TRAINEE = User("TR01", "Tara Trainee", Role.TRAINEE, Credential.CMA)
OTHER = User("TR02", "Omar Other", Role.TRAINEE, Credential.RMA)
SUPERVISOR = User("SV01", "Sam Supervisor", Role.SUPERVISOR, Credential.RN)
MANAGER = User("CM01", "Cara Manager", Role.CARE_MANAGER, Credential.RN)
BILLING = User("BI01", "Bill Ing", Role.BILLING, None)
STAFF = (TRAINEE, OTHER, SUPERVISOR, MANAGER, BILLING)


def secret_texts(scenarios) -> set[str]:
    """Rubric feedback (met and not met), criterion titles, and the notes the model and
    failing paths write, of every scenario."""
    out: set[str] = set()
    for sc in scenarios.values():
        for c in sc.criteria:
            out.update(t for t in (c.feedback.met, c.feedback.not_met, c.title) if t)
        for step in (*sc.model_path, *sc.failing_path):
            note = getattr(step.do, "note", None) if step.do is not None else None
            if note and len(note) > 20:
                out.add(note)
    return out


def encodings(text: str) -> set[str]:
    """The forms a text takes on the wire: plain, HTML-escaped, JSON-escaped, both."""
    forms = {text, html.escape(text, quote=True), html.escape(text, quote=False)}
    return forms | {json.dumps(f)[1:-1] for f in forms}


def leaks(blob: str, secrets: set[str]) -> list[str]:
    """The secrets found in ``blob`` (in any of their encodings)."""
    return sorted(s for s in secrets if any(form in blob for form in encodings(s)))


def widget_state_text(root: w.Widget) -> str:
    """Every synced trait of ``root`` and the widgets it refers to: what the kernel sends."""
    seen: set[str] = set()
    parts: list[str] = []

    def walk(widget: w.Widget) -> None:
        if widget.model_id in seen:
            return
        seen.add(widget.model_id)
        state = widget.get_state()
        for name, value in state.items():
            raw = getattr(widget, name, None)
            if isinstance(raw, w.Widget):
                walk(raw)
            elif isinstance(raw, list | tuple) and any(isinstance(x, w.Widget) for x in raw):
                for x in raw:
                    if isinstance(x, w.Widget):
                        walk(x)
            elif not isinstance(value, bytes | memoryview):
                parts.append(json.dumps(value, default=str))
                parts.append(str(value))

    walk(root)
    return "\n".join(parts)


def live_patient(wb, pid: str = "P00001") -> str:
    """One ordinary (live) panel patient, for tests that need real care work."""
    from datetime import date

    from workbench import records as r

    wb.add_patient(r.PatientBundle(
        patient=r.Patient(id=pid, first_name="Ada", last_name="Lovelace", birth_date=date(1950, 3, 4), sex="F",
                          state="NY", phone="555-0100"),
        conditions=[r.Condition("I10", "Essential hypertension"), r.Condition("E11.9", "Type 2 diabetes")]))
    return pid


#: The message verdicts of each recording page of the running test (tests/ui/conftest.py,
#: ``watch_messages``); the conftest asserts after each test that every message was in sight.
MESSAGES_SEEN: list[list[dict]] = []


def _ui_fixtures():
    """The workbench UI tests' browser fixtures, as the conftest loaded them."""
    return sys.modules["ccm_ui_browser_fixtures"]


def recording_page(browser, timeout_ms: int = 60_000):
    """A browser page that keeps every response, websocket frame and websocket URL it sees
    (``page.responses``, ``page.frames_in``, ``page.sockets``) and every request URL
    (``page.urls``), so a test can say what reached the browser."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    MESSAGES_SEEN.append(seen := _ui_fixtures().watch_messages(context))
    page = context.new_page()
    page.messages_seen = seen
    page.set_default_timeout(timeout_ms)
    page.responses, page.frames_in, page.urls, page.sockets = [], [], [], []
    page.on("response", lambda resp: page.responses.append(resp))
    page.on("request", lambda req: page.urls.append(req.url))

    def on_socket(ws):
        page.sockets.append(ws.url)
        ws.on("framereceived", lambda payload: page.frames_in.append(
            payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload))

    page.on("websocket", on_socket)
    return context, page


def received(page) -> str:
    """Everything a recording page received: response bodies and websocket frames, as text."""
    parts = list(page.frames_in)
    for resp in page.responses:
        try:
            parts.append(resp.body().decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
            continue
    return "\n".join(parts)
