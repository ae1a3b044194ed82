"""Reading a scenario file: YAML with line numbers, the pydantic model, and the
cross-references a model cannot see by itself.

Every problem is ``file:line: field: message`` (``overdose.yaml:42: options[3].label: ...``),
which is what a supervisor editing the file needs. Duplicate keys are refused (YAML would
silently keep the last one). ``training.validation`` adds the checks that need a workbench:
playing the model and failing paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from training.checks_model import Ref
from training.lint import unwritable
from training.model import Scenario

#: Words that explain why an option is right: labels say what is said, never why.
GIVEAWAY_WORDS = ("because", "since she", "since he", "as she is", "as he is", "(correct)")


def field_name(where: tuple) -> str:
    """``("options", 3, "label")`` -> ``options[3].label``."""
    out = ""
    for part in where:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _walk(node: yaml.Node, where: tuple, lines: dict[tuple, int], dupes: list[tuple]) -> None:
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key, value in node.value:
            sub = where + (key.value,)
            if key.value in seen:
                dupes.append((sub, key.start_mark.line + 1))
            seen.add(key.value)
            _walk(value, sub, lines, dupes)
            lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, where + (i,), lines, dupes)


class Problems:
    """Collects ``file:line: field: message`` lines."""

    def __init__(self, path: str, lines: dict[tuple, int] | None = None):
        self.path = path
        self.lines = lines or {}
        self.items: list[str] = []

    def line(self, where: tuple) -> int:
        probe = tuple(where)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return self.lines.get(probe, 1)

    def add(self, where: tuple, message: str, line: int | None = None) -> None:
        self.items.append(f"{self.path}:{line or self.line(where)}: "
                          f"{field_name(where) or '(top)'}: {message}")


def read_yaml(path: str | Path) -> tuple[Any, Problems]:
    """The file's data and a Problems holding its line map (and any duplicate keys)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple, int] = {}
    dupes: list[tuple] = []
    if node is not None:
        _walk(node, (), lines, dupes)
    problems = Problems(str(path), lines)
    for where, line in dupes:
        problems.add(where, f"the key '{where[-1]}' is given twice (YAML keeps only the last)",
                     line)
    return yaml.safe_load(text), problems


def _loc(loc: tuple, data: Any) -> tuple:
    """A pydantic error location without the union tags it adds (``do.log_contact.channel``)."""
    out: list = []
    probe = data
    for part in loc:
        if isinstance(probe, dict) and part not in probe and isinstance(part, str):
            continue  # a discriminator tag or a model name, not a field of the file
        out.append(part)
        probe = probe.get(part) if isinstance(probe, dict) else (
            probe[part] if isinstance(probe, list) and isinstance(part, int) and part < len(probe)
            else None)
    return tuple(out)


def model_problems(data: Any, problems: Problems) -> Scenario | None:
    """Validate data with the model; add each error as a problem; the Scenario if valid."""
    try:
        return Scenario.model_validate({**data, "source": problems.path}
                                       if isinstance(data, dict) else data)
    except ValidationError as exc:
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            problems.add(_loc(err["loc"], data), msg)
        return None


def _refs(crit_or_event: Any) -> list[tuple[tuple, Ref]]:
    """Every Ref inside a check or an event, with its path relative to it."""
    out: list[tuple[tuple, Ref]] = []

    def visit(value, where):
        if isinstance(value, Ref):
            out.append((where, value))
        if hasattr(value, "model_fields_set"):
            for name in value.model_fields_set:
                visit(getattr(value, name), where + (name,))
        elif isinstance(value, tuple | list):
            for i, v in enumerate(value):
                visit(v, where + (i,))
    visit(crit_or_event, ())
    return out


def reference_problems(sc: Scenario, problems: Problems) -> None:
    """Ids that must exist, ids that must be unique, decisions with real choices."""
    option_ids = [o.id for o in sc.options]
    node_ids = [n.id for n in sc.conversation.nodes]
    event_ids = [e.id for e in sc.events]
    for name, ids in (("options", option_ids), ("conversation.nodes", node_ids),
                      ("events", event_ids), ("objectives", [o.id for o in sc.objectives]),
                      ("rubric.criteria", [c.id for c in sc.criteria])):
        seen: set = set()
        for i, x in enumerate(ids):
            if x in seen:
                problems.add(tuple(name.split(".")) + (i, "id"), f"the id '{x}' is used twice")
            seen.add(x)
    if sc.conversation.start not in node_ids:
        problems.add(("conversation", "start"), f"'{sc.conversation.start}' is not a node id")
    for i, n in enumerate(sc.conversation.nodes):
        w = ("conversation", "nodes", i)
        for j, oid in enumerate(n.options):
            if oid not in option_ids:
                problems.add(w + ("options", j), f"'{oid}' is not an option id")
        if 0 < len(n.options) < 3:
            problems.add(w + ("options",), "a decision needs at least 3 plausible options")
    for i, o in enumerate(sc.options):
        if o.next is not None and o.next not in node_ids:
            problems.add(("options", i, "next"), f"'{o.next}' is not a conversation node id")
        low = o.label.lower()
        for word in GIVEAWAY_WORDS:
            if word in low:
                problems.add(("options", i, "label"), f"a label says what is said or done, "
                             f"not why ('{word}' gives the answer away)")
    for i, e in enumerate(sc.events):
        if e.goto is not None and e.goto not in node_ids:
            problems.add(("events", i, "goto"), f"'{e.goto}' is not a conversation node id")
        _check_refs(_refs(e), ("events", i), option_ids, event_ids, node_ids, problems)
    objective_ids = [o.id for o in sc.objectives]
    critical = {c.id for c in sc.criteria if c.is_critical}
    for i, c in enumerate(sc.criteria):
        w = ("rubric", "criteria", i)
        if c.objective not in objective_ids:
            problems.add(w + ("objective",), f"'{c.objective}' is not a learning objective id")
        chk = c.check
        if chk.said is not None and chk.said not in option_ids:
            problems.add(w + ("check", "said"), f"'{chk.said}' is not an option id")
        for j, oid in enumerate(chk.said_any or ()):
            if oid not in option_ids:
                problems.add(w + ("check", "said_any", j), f"'{oid}' is not an option id")
        if chk.event is not None and chk.event not in event_ids:
            problems.add(w + ("check", "event"), f"'{chk.event}' is not an event id")
        if chk.form == "order" and c.kind not in ("order", "critical"):
            problems.add(w + ("kind",), "an order check belongs to a criterion of kind order "
                         "(or critical)")
        _check_refs(_refs(chk), w + ("check",), option_ids, event_ids, node_ids, problems)
        for where, message in unwritable(chk):
            problems.add(w + ("check",) + where, message)
    if not critical:
        problems.add(("rubric", "criteria"), "a scenario needs at least one critical criterion")
    if sc.failing_triggers not in {c.id for c in sc.criteria}:
        problems.add(("failing_triggers",), f"'{sc.failing_triggers}' is not a criterion id")
    elif sc.failing_triggers not in critical:
        problems.add(("failing_triggers",), f"'{sc.failing_triggers}' is not a critical "
                     "criterion (kind critical, or forbidden with fails_attempt: true)")
    for path in ("model_path", "failing_path"):
        for i, step in enumerate(getattr(sc, path)):
            if step.say is not None and step.say not in option_ids:
                problems.add((path, i), f"'{step.say}' is not an option id")


def _check_refs(refs, base, option_ids, event_ids, node_ids, problems) -> None:
    for where, ref in refs:
        if ref.said is not None and ref.said not in option_ids:
            problems.add(base + where + ("said",), f"'{ref.said}' is not an option id")
        if ref.event is not None and ref.event not in event_ids:
            problems.add(base + where + ("event",), f"'{ref.event}' is not an event id")
        if ref.line is not None and ref.line not in node_ids:
            problems.add(base + where + ("line",), f"'{ref.line}' is not a conversation node id")


def parse_file(path: str | Path) -> tuple[Scenario | None, list[str]]:
    """Read one scenario file: the Scenario (None if invalid) and every problem found."""
    path = Path(path)
    try:
        data, problems = read_yaml(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return None, [f"{path}:{line}: (file): this is not valid YAML "
                      f"({getattr(exc, 'problem', exc)})"]
    except OSError as exc:
        return None, [f"{path}:0: (file): cannot read the file ({exc.strerror})"]
    if not isinstance(data, dict):
        problems.add((), "should be a mapping of fields (name: value)")
        return None, problems.items
    if data.get("schema_version") == 1:
        problems.add(("schema_version",), "version 1 files (options that write the chart) are "
                     "no longer played: see docs/scenarios.md to convert to version 2")
        return None, problems.items
    sc = model_problems(data, problems)
    if sc is not None:
        reference_problems(sc, problems)
        if sc.id != path.stem:
            problems.add(("id",), f"the id '{sc.id}' should match the file name '{path.stem}'")
    return (sc if not problems.items else None), problems.items
