"""The scenario file format (``schema_version: 1``) and its validator.

A scenario is one YAML file. Validation works on the composed YAML node tree, so every
problem names the file, the LINE and the field (``overdose.yaml:42: actions[3].kind: ...``),
which is what a supervisor editing the file needs. ``docs/scenarios.md`` teaches the format;
the lists below are the single source of the allowed words.

Nothing here talks to the store: it is pure parsing and checking.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from workbench.records import (
    Activity,
    BarrierDomain,
    BarrierStatus,
    CARE_PLAN_ELEMENTS,
    CARE_PLAN_EXTRA_ELEMENTS,
    CONSENT_DISCLOSURES,
    Channel,
    ConsentMethod,
    ContactOutcome,
    EscalationStep,
    Severity,
)

SCHEMA_VERSION = 1

CATEGORIES = ("check-in", "barrier", "escalation", "care-transition", "screening", "consent",
              "access", "engagement", "safety", "medication", "coordination")
ACTION_KINDS = ("ask", "explain", "review_meds", "arrange", "refer", "escalate", "document")
CRITERION_KINDS = ("required", "critical", "forbidden", "order", "timing", "documentation")
DOCUMENTATION_CHECKS = ("time_entries_complete", "goals_measurable", "barriers_have_action",
                        "escalation_steps_noted")
RECORD_TYPES = ("time_entry", "contact", "consent", "consent_revoked", "care_plan_revision",
                "escalation", "escalation_step", "barrier")
#: Fields a ``record:`` filter may name, per record type (besides ``type``).
RECORD_FILTERS: dict[str, tuple[str, ...]] = {
    "time_entry": ("activity", "note_contains"),
    "contact": ("channel", "outcome", "with_whom", "note_contains"),
    "consent": ("method", "all_disclosures"),
    "consent_revoked": ("reason_contains",),
    "care_plan_revision": ("reason_contains", "goals_measurable"),
    "escalation": ("severity", "reason_contains"),
    "escalation_step": ("step", "patient_consent", "note_contains"),
    "barrier": ("domain", "status", "action_contains"),
}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PLAN_TEXT_FIELDS = tuple(k for k in {**CARE_PLAN_ELEMENTS, **CARE_PLAN_EXTRA_ELEMENTS}
                          if k not in ("goals", "interventions"))

#: Effects an action or an event may write, and the fields each one takes.
#: (required fields, optional fields)
EFFECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "start_call": ((), ("activity", "note")),
    "stop_call": ((), ("note", "activity")),
    "log_time": (("minutes", "activity"), ("note",)),
    "log_contact": (("channel", "outcome"), ("with_whom", "note")),
    "record_consent": (("method",), ("disclosures",)),
    "revoke_consent": (("reason",), ()),
    "revise_care_plan": (("reason",), ("set", "add_goals", "add_interventions")),
    "open_escalation": (("ref", "reason"), ("severity",)),
    "escalation_step": (("ref", "step"), ("patient_consent", "note")),
    "add_barrier": (("ref", "domain", "description"), ("status", "action")),
    "update_barrier": (("ref", "status"), ("action",)),
}


class _Checker:
    """Collects ``file:line: field: message`` problems while walking the data."""

    def __init__(self, path: str, lines: dict[tuple, int]):
        self.path = path
        self.lines = lines
        self.errors: list[str] = []

    def line(self, where: tuple) -> int:
        probe = where
        while probe not in self.lines and probe:
            probe = probe[:-1]
        return self.lines.get(probe, 1)

    def err(self, where: tuple, message: str) -> None:
        self.errors.append(f"{self.path}:{self.line(where)}: {field_name(where) or '(top)'}: {message}")

    # small typed getters -------------------------------------------------------------
    def mapping(self, value: Any, where: tuple) -> bool:
        if not isinstance(value, dict):
            self.err(where, "should be a mapping of fields (name: value)")
            return False
        return True

    def seq(self, value: Any, where: tuple, min_len: int = 0) -> bool:
        if not isinstance(value, list):
            self.err(where, "should be a list (lines starting with '- ')")
            return False
        if len(value) < min_len:
            self.err(where, f"needs at least {min_len} item(s)")
            return False
        return True

    def text(self, value: Any, where: tuple) -> bool:
        if not isinstance(value, str) or not value.strip():
            self.err(where, "should be some text")
            return False
        return True

    def slug(self, value: Any, where: tuple) -> bool:
        if not isinstance(value, str) or not _SLUG.match(value):
            self.err(where, "should be an id of lower-case letters, digits and dashes")
            return False
        return True

    def number(self, value: Any, where: tuple, minimum: float = 0) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self.err(where, f"should be a number, at least {minimum}")
            return False
        return True

    def choice(self, value: Any, where: tuple, allowed) -> bool:
        allowed = [str(a) for a in allowed]
        if str(value) not in allowed or isinstance(value, bool):
            self.err(where, f"'{value}' is not one of: {', '.join(allowed)}")
            return False
        return True

    def fields(self, value: dict, where: tuple, required: tuple, optional: tuple) -> None:
        for name in required:
            if name not in value:
                self.err(where, f"missing the field '{name}'")
        for name in value:
            if name not in required and name not in optional:
                self.err(where + (name,), f"unknown field '{name}' (allowed: "
                         f"{', '.join(required + optional)})")


def field_name(where: tuple) -> str:
    """``("actions", 3, "kind")`` -> ``actions[3].kind``."""
    out = ""
    for part in where:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _node_lines(node: yaml.Node, where: tuple, lines: dict[tuple, int]) -> None:
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = where + (key.value,)
            _node_lines(value, sub, lines)
            lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _node_lines(item, where + (i,), lines)


def load_yaml(path: str | Path) -> tuple[Any, dict[tuple, int]]:
    """Read a YAML file; return the data and a map from field path to line number.

    Raises ``yaml.YAMLError`` for a file that is not YAML at all.
    """
    text = Path(path).read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple, int] = {}
    if node is None:
        return None, lines
    _node_lines(node, (), lines)
    data = yaml.safe_load(text)
    return data, lines


def validate_file(path: str | Path) -> list[str]:
    """All problems with one scenario file, each as ``file:line: field: message``."""
    path = Path(path)
    try:
        data, lines = load_yaml(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return [f"{path}:{line}: (file): this is not valid YAML ({getattr(exc, 'problem', exc)})"]
    except OSError as exc:
        return [f"{path}:0: (file): cannot read the file ({exc.strerror})"]
    return validate_data(data, str(path), lines, expected_id=path.stem)


def validate_data(data: Any, path: str = "<scenario>", lines: dict[tuple, int] | None = None,
                  expected_id: str | None = None) -> list[str]:
    """Check scenario data against schema version 1; return the problems (empty if none)."""
    c = _Checker(path, lines or {})
    if not c.mapping(data, ()):
        return c.errors
    top_required = ("schema_version", "id", "title", "category", "objectives", "patient",
                    "situation", "clock", "conversation", "actions", "rubric", "model_path",
                    "failing_path")
    top_optional = ("summary", "events", "reflection", "failing_triggers")
    c.fields(data, (), top_required, top_optional)
    if "schema_version" in data and data["schema_version"] != SCHEMA_VERSION:
        c.err(("schema_version",), f"this workbench reads schema_version {SCHEMA_VERSION}")
    if "id" in data and c.slug(data["id"], ("id",)) and expected_id and data["id"] != expected_id:
        c.err(("id",), f"the id '{data['id']}' should match the file name '{expected_id}'")
    for name in ("title", "situation"):
        if name in data:
            c.text(data[name], (name,))
    if "summary" in data:
        c.text(data["summary"], ("summary",))
    if "category" in data:
        c.choice(data["category"], ("category",), CATEGORIES)

    objective_ids = _check_objectives(c, data.get("objectives"))
    if "patient" in data:
        _check_patient(c, data["patient"])
    if "clock" in data and c.mapping(data["clock"], ("clock",)):
        c.fields(data["clock"], ("clock",), ("start",), ("call",))
        start = data["clock"].get("start")
        if start is not None and not _aware_datetime(start):
            c.err(("clock", "start"), "should be a date and time with its UTC offset, "
                  "e.g. 2026-11-23T14:00:00-05:00")
        if "call" in data["clock"] and not isinstance(data["clock"]["call"], bool):
            c.err(("clock", "call"), "should be true or false")

    action_ids = _check_actions(c, data.get("actions"))
    node_ids = _check_conversation(c, data.get("conversation"), action_ids)
    _check_next(c, data.get("actions"), node_ids)
    _check_events(c, data.get("events"), action_ids, node_ids)
    if "reflection" in data and c.seq(data["reflection"], ("reflection",)):
        for i, q in enumerate(data["reflection"]):
            c.text(q, ("reflection", i))
    criterion_ids = _check_rubric(c, data.get("rubric"), objective_ids, action_ids)
    for name in ("model_path", "failing_path"):
        if name in data and c.seq(data[name], (name,), 1):
            for i, step in enumerate(data[name]):
                where = (name, i)
                if isinstance(step, dict):
                    c.fields(step, where, ("action",), ("note",))
                    step = step.get("action")
                if step not in action_ids:
                    c.err(where, f"'{step}' is not an action id")
    if "failing_triggers" in data and data["failing_triggers"] not in criterion_ids:
        c.err(("failing_triggers",), f"'{data['failing_triggers']}' is not a rubric criterion id")
    return c.errors


def _aware_datetime(value: Any) -> bool:
    if isinstance(value, datetime):
        return value.tzinfo is not None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            return False
    return False


def _unique_ids(c: _Checker, items: list, where: tuple, what: str) -> list[str]:
    ids: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and "id" in item and c.slug(item["id"], where + (i, "id")):
            if item["id"] in ids:
                c.err(where + (i, "id"), f"the {what} id '{item['id']}' is used twice")
            ids.append(item["id"])
    return ids


def _check_objectives(c: _Checker, value: Any) -> list[str]:
    if value is None or not c.seq(value, ("objectives",), 1):
        return []
    for i, obj in enumerate(value):
        if c.mapping(obj, ("objectives", i)):
            c.fields(obj, ("objectives", i), ("id", "text"), ())
            if "text" in obj:
                c.text(obj["text"], ("objectives", i, "text"))
    return _unique_ids(c, value, ("objectives",), "objective")


_PATIENT_OVERRIDES = ("conditions", "medications", "allergies", "persona", "caregiver",
                      "emergency_contacts", "language", "consent", "care_plan", "barriers",
                      "contact_preferences", "phone", "address")
_INLINE_FIELDS = ("first_name", "last_name", "birth_date", "sex", "language", "phone", "address",
                  "state")


def _check_patient(c: _Checker, p: Any) -> None:
    w = ("patient",)
    if not c.mapping(p, w):
        return
    c.fields(p, w, (), ("preset", "inline", "overrides"))
    if ("preset" in p) == ("inline" in p):
        c.err(w, "give exactly one of 'preset' (a simulated-panel patient) or 'inline'")
    if "preset" in p and c.mapping(p["preset"], w + ("preset",)):
        c.fields(p["preset"], w + ("preset",), ("name", "index"), ())
        if "index" in p["preset"]:
            c.number(p["preset"]["index"], w + ("preset", "index"))
    if "inline" in p and c.mapping(p["inline"], w + ("inline",)):
        inline = p["inline"]
        c.fields(inline, w + ("inline",), ("first_name", "last_name", "birth_date", "sex"),
                 tuple(f for f in _INLINE_FIELDS if f not in ("first_name", "last_name",
                                                                "birth_date", "sex")))
        if "birth_date" in inline and not isinstance(inline["birth_date"], date):
            c.err(w + ("inline", "birth_date"), "should be a date, e.g. 1948-03-14")
        if "sex" in inline:
            c.choice(inline["sex"], w + ("inline", "sex"), ("F", "M", "X"))
    o = p.get("overrides")
    if o is None or not c.mapping(o, w + ("overrides",)):
        return
    w = w + ("overrides",)
    c.fields(o, w, (), _PATIENT_OVERRIDES)
    for name, required in (("conditions", ("icd10",)), ("medications", ("name",)),
                           ("allergies", ("substance",)), ("emergency_contacts", ("name",)),
                           ("barriers", ("domain", "description"))):
        if name in o and c.seq(o[name], w + (name,)):
            for i, item in enumerate(o[name]):
                if c.mapping(item, w + (name, i)):
                    for req in required:
                        if req not in item:
                            c.err(w + (name, i), f"missing the field '{req}'")
                    if name == "barriers" and "domain" in item:
                        c.choice(item["domain"], w + (name, i, "domain"), BarrierDomain)
    if "caregiver" in o and c.mapping(o["caregiver"], w + ("caregiver",)):
        c.fields(o["caregiver"], w + ("caregiver",), ("name",),
                 ("relationship", "phone", "authorized"))
    if "consent" in o and c.mapping(o["consent"], w + ("consent",)):
        c.fields(o["consent"], w + ("consent",), ("method", "days_ago"), ())
        if "method" in o["consent"]:
            c.choice(o["consent"]["method"], w + ("consent", "method"), ConsentMethod)
    if "care_plan" in o and c.mapping(o["care_plan"], w + ("care_plan",)):
        _check_plan_fields(c, o["care_plan"], w + ("care_plan",),
                           _PLAN_TEXT_FIELDS + ("goals", "interventions"))


def _check_plan_fields(c: _Checker, plan: dict, w: tuple, allowed: tuple) -> None:
    c.fields(plan, w, (), allowed)
    for key in ("goals", "add_goals"):
        if key in plan and c.seq(plan[key], w + (key,)):
            for i, g in enumerate(plan[key]):
                if c.mapping(g, w + (key, i)):
                    c.fields(g, w + (key, i), ("description",), ("measure", "target", "due_in_days"))
    for key in ("interventions", "add_interventions"):
        if key in plan and c.seq(plan[key], w + (key,)):
            for i, g in enumerate(plan[key]):
                if c.mapping(g, w + (key, i)):
                    c.fields(g, w + (key, i), ("description",), ("responsible", "frequency"))


def _check_effects(c: _Checker, effects: Any, w: tuple) -> None:
    if not c.seq(effects, w):
        return
    for i, eff in enumerate(effects):
        ew = w + (i,)
        if not c.mapping(eff, ew):
            continue
        kind = eff.get("type")
        if kind not in EFFECTS:
            c.err(ew + ("type",), f"'{kind}' is not an effect type (allowed: {', '.join(EFFECTS)})")
            continue
        required, optional = EFFECTS[kind]
        c.fields(eff, ew, ("type",) + required, optional)
        for name, allowed in (("activity", Activity), ("channel", Channel),
                              ("outcome", ContactOutcome), ("method", ConsentMethod),
                              ("severity", Severity), ("step", EscalationStep),
                              ("domain", BarrierDomain), ("status", BarrierStatus)):
            if name in eff:
                c.choice(eff[name], ew + (name,), allowed)
        if "minutes" in eff:
            c.number(eff["minutes"], ew + ("minutes",), 1)
        if "patient_consent" in eff and not isinstance(eff["patient_consent"], bool):
            c.err(ew + ("patient_consent",), "should be true or false")
        if "disclosures" in eff and c.mapping(eff["disclosures"], ew + ("disclosures",)):
            c.fields(eff["disclosures"], ew + ("disclosures",), (), tuple(CONSENT_DISCLOSURES))
        if kind == "revise_care_plan":
            if "set" in eff and c.mapping(eff["set"], ew + ("set",)):
                c.fields(eff["set"], ew + ("set",), (), _PLAN_TEXT_FIELDS)
            _check_plan_fields(c, {k: v for k, v in eff.items() if k.startswith("add_")}, ew,
                               ("add_goals", "add_interventions"))


def _check_actions(c: _Checker, actions: Any) -> list[str]:
    if actions is None or not c.seq(actions, ("actions",), 1):
        return []
    for i, a in enumerate(actions):
        w = ("actions", i)
        if not c.mapping(a, w):
            continue
        c.fields(a, w, ("id", "kind", "label", "minutes"),
                 ("reply", "next", "effects", "once", "ends"))
        if "kind" in a:
            c.choice(a["kind"], w + ("kind",), ACTION_KINDS)
        if "label" in a:
            c.text(a["label"], w + ("label",))
        if "minutes" in a:
            c.number(a["minutes"], w + ("minutes",), 0)
        if "reply" in a and not isinstance(a["reply"], str | list):
            c.err(w + ("reply",), "should be a line of text or a list of alternative lines")
        for flag in ("once", "ends"):
            if flag in a and not isinstance(a[flag], bool):
                c.err(w + (flag,), "should be true or false")
        if "effects" in a:
            _check_effects(c, a["effects"], w + ("effects",))
    return _unique_ids(c, actions, ("actions",), "action")


def _check_conversation(c: _Checker, conv: Any, action_ids: list[str]) -> list[str]:
    w = ("conversation",)
    if conv is None or not c.mapping(conv, w):
        return []
    c.fields(conv, w, ("start", "nodes"), ())
    nodes = conv.get("nodes")
    if nodes is None or not c.seq(nodes, w + ("nodes",), 1):
        return []
    for i, n in enumerate(nodes):
        nw = w + ("nodes", i)
        if not c.mapping(n, nw):
            continue
        c.fields(n, nw, ("id", "actions"), ("patient",))
        if "patient" in n and not isinstance(n["patient"], str | list):
            c.err(nw + ("patient",), "should be a line of text or a list of alternative lines")
        if "actions" in n and c.seq(n["actions"], nw + ("actions",)):
            for j, aid in enumerate(n["actions"]):
                if aid not in action_ids:
                    c.err(nw + ("actions", j), f"'{aid}' is not an action id")
    node_ids = _unique_ids(c, nodes, w + ("nodes",), "node")
    if "start" in conv and conv["start"] not in node_ids:
        c.err(w + ("start",), f"'{conv['start']}' is not a node id")
    return node_ids


def _check_next(c: _Checker, actions: Any, node_ids: list[str]) -> None:
    for i, a in enumerate(actions if isinstance(actions, list) else []):
        if isinstance(a, dict) and "next" in a and a["next"] not in node_ids:
            c.err(("actions", i, "next"), f"'{a['next']}' is not a conversation node id")


def _check_events(c: _Checker, events: Any, action_ids: list[str], node_ids: list[str]) -> None:
    if events is None or not c.seq(events, ("events",)):
        return
    for i, ev in enumerate(events):
        w = ("events", i)
        if not c.mapping(ev, w):
            continue
        c.fields(ev, w, ("id", "line"), ("after_minutes", "at_end", "if", "unless", "effects",
                                         "goto", "ends"))
        if ("after_minutes" in ev) == bool(ev.get("at_end")):
            c.err(w, "give exactly one of 'after_minutes: N' or 'at_end: true'")
        if "after_minutes" in ev:
            c.number(ev["after_minutes"], w + ("after_minutes",), 0)
        for key in ("if", "unless"):
            if key in ev and c.seq(ev[key], w + (key,)):
                for j, aid in enumerate(ev[key]):
                    if aid not in action_ids:
                        c.err(w + (key, j), f"'{aid}' is not an action id")
        if "goto" in ev and ev["goto"] not in node_ids:
            c.err(w + ("goto",), f"'{ev['goto']}' is not a conversation node id")
        if "effects" in ev:
            _check_effects(c, ev["effects"], w + ("effects",))
    _unique_ids(c, events, ("events",), "event")


def _check_ref(c: _Checker, ref: Any, w: tuple, action_ids: list[str]) -> None:
    """A reference to something that happened: ``{chosen: id}`` or ``{record: {...}}``."""
    if not c.mapping(ref, w):
        return
    if len(ref) != 1 or next(iter(ref)) not in ("chosen", "record"):
        c.err(w, "should be one of {chosen: ACTION} or {record: {type: ..., ...}}")
        return
    if "chosen" in ref:
        if ref["chosen"] not in action_ids:
            c.err(w + ("chosen",), f"'{ref['chosen']}' is not an action id")
    else:
        _check_record_filter(c, ref["record"], w + ("record",))


def _check_record_filter(c: _Checker, flt: Any, w: tuple, extra: tuple = ()) -> None:
    if not c.mapping(flt, w):
        return
    rtype = flt.get("type")
    if rtype not in RECORD_TYPES:
        c.err(w + ("type",), f"'{rtype}' is not a record type (allowed: {', '.join(RECORD_TYPES)})")
        return
    c.fields(flt, w, ("type",), RECORD_FILTERS[rtype] + extra)
    for name, allowed in (("activity", Activity), ("channel", Channel), ("outcome", ContactOutcome),
                          ("method", ConsentMethod), ("severity", Severity),
                          ("step", EscalationStep), ("domain", BarrierDomain),
                          ("status", BarrierStatus)):
        if name in flt:
            c.choice(flt[name], w + (name,), allowed)


def _check_rubric(c: _Checker, rubric: Any, objective_ids: list[str],
                  action_ids: list[str]) -> list[str]:
    w = ("rubric",)
    if rubric is None or not c.mapping(rubric, w):
        return []
    c.fields(rubric, w, ("criteria",), ("pass_percent",))
    if "pass_percent" in rubric:
        c.number(rubric["pass_percent"], w + ("pass_percent",), 0)
    crit = rubric.get("criteria")
    if crit is None or not c.seq(crit, w + ("criteria",), 1):
        return []
    has_critical = False
    for i, cr in enumerate(crit):
        cw = w + ("criteria", i)
        if not c.mapping(cr, cw):
            continue
        c.fields(cr, cw, ("id", "objective", "kind", "points", "check", "feedback"),
                 ("title", "fails_attempt"))
        if cr.get("objective") is not None and cr.get("objective") not in objective_ids:
            c.err(cw + ("objective",), f"'{cr['objective']}' is not a learning objective id")
        if "kind" in cr:
            c.choice(cr["kind"], cw + ("kind",), CRITERION_KINDS)
        has_critical = has_critical or cr.get("kind") == "critical"
        if "points" in cr:
            c.number(cr["points"], cw + ("points",), 0)
        if "fails_attempt" in cr and (cr.get("kind") != "forbidden"
                                      or not isinstance(cr["fails_attempt"], bool)):
            c.err(cw + ("fails_attempt",), "only a forbidden criterion may say fails_attempt: true")
        if "feedback" in cr and c.mapping(cr["feedback"], cw + ("feedback",)):
            c.fields(cr["feedback"], cw + ("feedback",), ("met", "not_met"), ())
            for key in ("met", "not_met"):
                if key in cr["feedback"]:
                    c.text(cr["feedback"][key], cw + ("feedback", key))
        if "check" in cr:
            _check_check(c, cr["check"], cw + ("check",), cr.get("kind"), action_ids)
    if not has_critical:
        c.err(w + ("criteria",), "a scenario needs at least one critical criterion")
    return _unique_ids(c, crit, w + ("criteria",), "criterion")


_CHECK_FORMS = ("chosen", "chosen_any", "record", "all_records", "order", "within_minutes",
                "documentation")


def _check_check(c: _Checker, chk: Any, w: tuple, kind: str | None, action_ids: list[str]) -> None:
    if not c.mapping(chk, w):
        return
    forms = [k for k in chk if k in _CHECK_FORMS and k != "within_minutes"]
    if "within_minutes" in chk:
        c.fields(chk, w, ("within_minutes", "of"), ())
        c.number(chk["within_minutes"], w + ("within_minutes",), 0)
        if "of" in chk:
            _check_ref(c, chk["of"], w + ("of",), action_ids)
        if kind not in ("timing", "critical"):
            c.err(w, "a within_minutes check belongs to a criterion of kind timing (or critical)")
        return
    if len(chk) != 1 or len(forms) != 1:
        c.err(w, f"should hold exactly one of: {', '.join(_CHECK_FORMS)}")
        return
    form = forms[0]
    value = chk[form]
    fw = w + (form,)
    if form == "chosen":
        if value not in action_ids:
            c.err(fw, f"'{value}' is not an action id")
    elif form == "chosen_any":
        if c.seq(value, fw, 1):
            for j, aid in enumerate(value):
                if aid not in action_ids:
                    c.err(fw + (j,), f"'{aid}' is not an action id")
    elif form == "record":
        _check_record_filter(c, value, fw)
    elif form == "all_records":
        _check_record_filter(c, value, fw, extra=("require",))
        if isinstance(value, dict) and "require" not in value:
            c.err(fw, "missing the field 'require' (what every such record must have)")
    elif form == "order":
        if c.mapping(value, fw):
            c.fields(value, fw, ("first", "then"), ())
            for key in ("first", "then"):
                if key in value:
                    _check_ref(c, value[key], fw + (key,), action_ids)
        if kind not in ("order", "critical"):
            c.err(w, "an order check belongs to a criterion of kind order (or critical)")
    elif form == "documentation":
        c.choice(value, fw, DOCUMENTATION_CHECKS)
