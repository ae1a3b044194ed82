"""What the validator checks beyond the format: every criterion can be met in the pages, and
the labels do not give the answer away.

``PAGE_WRITES`` is the table of what the chart's pages can write, record kind by record kind,
with the fields a trainee sets there (``None``: any value the service accepts). A criterion
that needs a record kind or a field no page writes can never be met by a trainee in a
browser, so the validator refuses it. Keep the table in step with the chart tabs
(``workbench/ui/*_tab.py``, ``training/ui/extras.py``).
"""

from __future__ import annotations

from workbench.records import ESCALATION_STEP_LABELS

#: record kind -> {filter field -> the values the pages can write (None: any)}
PAGE_WRITES: dict[str, dict[str, frozenset | None]] = {
    # timer bar and Time tab: activity and note
    "time_entry": {"activity": None, "note_contains": None},
    # Contacts tab: channel, outcome, "With" as free text with suggestions, note
    "contact": {"channel": None, "outcome": None, "with_whom": None, "note_contains": None},
    # Consent tab: method and the four disclosures; revocation with its reason
    "consent": {"method": None, "all_disclosures": None, "given_by": None, "note_contains": None},  # Agreed by, name
    "consent_revoked": {"note_contains": None},
    # care-plan editor: text fields, goals (measure, target, due date), interventions
    "care_plan_revision": {"note_contains": None},
    "goal": {"note_contains": None, "measurable": None},
    "intervention": {"note_contains": None},  # an intervention added or changed
    "care_plan_text": {"note_contains": None},  # a text element written or changed
    # medication list: add, change dose or frequency, stop, with a reason
    "medication_change": {"name_contains": None, "note_contains": None,
                          "change": frozenset({"added", "stopped", "dose_changed",
                                               "frequency_changed"})},
    # PHQ tab
    "phq": {"instrument": frozenset({"PHQ-2", "PHQ-9"})},
    # Escalation tab: type, severity, reason; each step with consent and a note
    "escalation": {"severity": None, "kind": None, "note_contains": None},
    "escalation_step": {"step": frozenset(str(s) for s in ESCALATION_STEP_LABELS),
                        "patient_consent": None, "severity": None, "kind": None,
                        "note_contains": None},
    # barrier editor: domain, description, status, action, resolution
    "barrier": {"domain": None, "status": None, "has_action": None, "note_contains": None},
    # follow-ups under the chart
    "follow_up": {"channel": None, "note_contains": None},
}

#: check forms that read a record kind, besides record filters
_FORM_WRITES = {"goal": "goal", "medication": "medication_change", "phq": "phq",
                "consent": "consent", "consent_before_care_plan": "care_plan_revision",
                "follow_up": "follow_up", "time_honest": "time_entry",
                "no_overlapping_entries": "time_entry", "escalation_steps": "escalation_step"}


def _filters(chk):
    """(where, RecordFilter) for every record filter a check uses."""
    out = []
    if chk.record is not None:
        out.append((("record",), chk.record))
    if chk.all_records is not None:
        out.append((("all_records",), chk.all_records))
        out.append((("require",), chk.all_records.model_copy(update=dict(chk.require or {}))))
    refs = []
    if chk.order is not None:
        refs += [(("order", "first"), chk.order.first), (("order", "then"), chk.order.then)]
    for name in ("of", "after"):
        if getattr(chk, name) is not None:
            refs.append(((name,), getattr(chk, name)))
    if chk.escalation_steps is not None and chk.escalation_steps.of is not None:
        refs.append((("escalation_steps", "of"), chk.escalation_steps.of))
    out += [(w + ("record",), r.record) for w, r in refs if r.record is not None]
    return out


def unwritable(chk, table=None) -> list[tuple[tuple, str]]:
    """(where, message) for each part of a check no page can write."""
    table = PAGE_WRITES if table is None else table
    out = []
    kind = _FORM_WRITES.get(chk.form)
    if kind is not None and kind not in table:
        out.append(((chk.form,), (f"no page writes a {kind.replace('_', ' ')}: a trainee "
                                  "could never meet this criterion")))
    if chk.form == "escalation_steps" and "escalation_step" in table:
        allowed = table["escalation_step"].get("step")
        for name in chk.escalation_steps.names:
            if allowed is not None and name not in allowed:
                out.append((("escalation_steps", "steps"), f"no page records the step '{name}'"))
    for where, flt in _filters(chk):
        fields = table.get(flt.type)
        if fields is None:
            out.append((where + ("type",), (f"no page writes a {flt.type.replace('_', ' ')}: "
                                            "a trainee could never meet this criterion")))
            continue
        for key, value in flt.given().items():
            if key not in fields:
                out.append((where + (key,), (f"no page sets '{key}' on a "
                                             f"{flt.type.replace('_', ' ')}: a trainee could "
                                             "never meet this")))
            elif fields[key] is not None:
                values = value if isinstance(value, tuple) else (value,)
                bad = [str(v) for v in values if str(getattr(v, "value", v)) not in fields[key]]
                if bad:
                    out.append((where + (key,), f"no page writes {key} '{bad[0]}'"))
    return out


def decisions(sc) -> list[tuple[str, str, bool]]:
    """(node id, longest option id, whether the model path says it) for each decision: a node
    offering at least one option the model path says and one it does not."""
    said = {s.say for s in sc.model_path if s.say is not None}
    out = []
    for node in sc.conversation.nodes:
        ids = list(node.options)
        if not any(o in said for o in ids) or all(o in said for o in ids):
            continue
        longest = max(ids, key=lambda o: len(sc.option(o).label))
        out.append((node.id, longest, longest in said))
    return out


def label_warnings(sc) -> list[tuple[tuple, str]]:
    """(where, message): the model's option is the longest label in more than a third of the
    scenario's decisions (a test-wise trainee who picks the longest sentence is right)."""
    found = decisions(sc)
    longest = [n for n, _, model in found if model]
    if found and 3 * len(longest) > len(found):
        return [(("options",), (f"warning: the model's option is the longest label in "
                                f"{len(longest)} of {len(found)} decisions "
                                f"({', '.join(longest)}); vary the lengths so length gives "
                                "nothing away"))]
    return []
