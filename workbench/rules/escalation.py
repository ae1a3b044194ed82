"""Escalation guardrails: which protocol an escalation follows, the next step to suggest, and the
required steps still missing before it may be closed without a recorded reason.

The protocols are data (``escalation_protocols.json`` next to this module, with its sources):
this module only reads them. Pure functions, no store access.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import records as r

PROTOCOLS_FILE = Path(__file__).with_name("escalation_protocols.json")
GENERAL = "general"


@dataclass(frozen=True)
class Protocol:
    key: str
    label: str
    sources: tuple[str, ...]
    keywords: tuple[str, ...]
    order: tuple[r.EscalationStep, ...]
    required: tuple[frozenset[r.EscalationStep], ...]  #: each: any one of these steps


@cache
def protocols() -> dict[str, Protocol]:
    """Every protocol of the data file, by key (``general`` last: the fallback)."""
    raw = json.loads(PROTOCOLS_FILE.read_text(encoding="utf-8"))
    out = {}
    for key, p in raw.items():
        if key.startswith("_"):
            continue
        out[key] = Protocol(key, p["label"], tuple(p["sources"]), tuple(k.lower() for k in p["keywords"]),
                            tuple(r.EscalationStep(x) for x in p["order"]),
                            tuple(frozenset(r.EscalationStep(x) for x in group) for group in p["required"]))
    if GENERAL not in out:
        raise ValueError(f"{PROTOCOLS_FILE} has no '{GENERAL}' protocol")
    return out


def classify(reason: str, source: str = "manual") -> Protocol:
    """The protocol an escalation follows: by its source (a PHQ-9 item 9 escalation is suicide
    risk), else by the first protocol whose label or keyword appears in the reason, else general."""
    table = protocols()
    for p in table.values():
        if source in p.sources:
            return p
    low = (reason or "").lower()
    for p in table.values():
        if p.key != GENERAL and (p.label.lower() in low or any(k in low for k in p.keywords)):
            return p
    return table[GENERAL]


def missing_steps(protocol: Protocol, done: Iterable[str]) -> list[frozenset[r.EscalationStep]]:
    """The required groups not met by the steps ``done``."""
    done = {r.EscalationStep(x) for x in done}
    return [group for group in protocol.required if not group & done]


def next_step(protocol: Protocol, done: Iterable[str]) -> r.EscalationStep:
    """The step to suggest next: the first step, in the protocol's order, that meets a required
    step still missing; closing once every required step is done."""
    missing = missing_steps(protocol, done)
    if not missing:
        return r.EscalationStep.CLOSED
    needed = set().union(*missing)
    for step in protocol.order:
        if step in needed:
            return step
    return sorted(needed)[0]


def describe_missing(missing: list[frozenset[r.EscalationStep]], protocol: Protocol) -> str:
    """"988 Suicide & Crisis Lifeline given; Safety plan ... or Lethal-means safety talk"."""
    order = {s: i for i, s in enumerate(protocol.order)}
    return "; ".join(" or ".join(r.ESCALATION_STEP_LABELS[s] for s in sorted(g, key=lambda x: order.get(x, 99)))
                     for g in missing)
