"""Own words: a trainee's notes and typed speech judged as text (standard library only).

- A note is the trainee's own when it is not close to any text they were shown (option
  labels, the patient's lines and replies, the situation and summary, event lines, feedback
  and reflection questions): neither similar as a whole (``difflib`` ratio) nor made of one
  shown text's words plus a word or two (token-set containment); it has enough content words
  (not "the", "and", "done", "ok"...); and no sentence of it is repeated in another note.
- A note close to one the scenario's model path writes (its answer key, never shown in the
  pages) is a copy of the scenario file: not credited, and flagged for the supervisor.
- Typed speech counts as saying an option when it holds one of the option's ``phrases``,
  word for word (case, punctuation and spacing ignored), so the right question typed
  instead of clicked earns its points and typed dose advice trips the same forbidden check.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"[.;!?\n]+")

#: Words that carry no content in a care note (function words and filler).
STOPWORDS = frozenset((
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does",
    "doing", "done", "for", "from", "had", "has", "have", "he", "her", "here", "him", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "more", "my", "no",
    "not", "now", "of", "off", "ok", "okay", "on", "once", "only", "or", "our", "out",
    "over", "she", "so", "some", "still", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "too", "up", "us", "very", "was", "we",
    "were", "what", "when", "where", "which", "who", "will", "with", "would", "yes", "you",
    "your", "call", "called", "patient", "pt", "noted", "note", "fine",
))


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def normal(text: str) -> str:
    return " ".join(words(text))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def sentences(text: str) -> list[str]:
    """The note's sentences of three words or more, normalised."""
    out = []
    for part in _SENTENCE.split(text or ""):
        norm = normal(part)
        if len(norm.split()) >= 3:
            out.append(norm)
    return out


def copied_from(note: str, shown: tuple[str, ...], threshold: float) -> str | None:
    """The shown text this note is (nearly) a copy of, or None. ``shown`` are normalised."""
    norm = normal(note)
    if not norm:
        return None
    mine = set(content_words(note))
    for text in shown:
        if not text:
            continue
        if norm == text:
            return text
        a, b = len(norm), len(text)
        if 2 * min(a, b) >= threshold * (a + b):  # else the ratio cannot reach the threshold
            m = SequenceMatcher(None, norm, text, autojunk=False)
            if m.real_quick_ratio() >= threshold and m.quick_ratio() >= threshold \
                    and m.ratio() >= threshold:
                return text
        theirs = set(content_words(text))
        # most of one shown text's words and at most one of the note's own: "<label>. Done."
        if mine and theirs and len(mine - theirs) <= 1 \
                and len(mine & theirs) >= max(2, 0.6 * len(theirs)):
            return text
    return None


def repeated_sentence(notes: list[str]) -> str | None:
    """A sentence that appears in two different notes, or None."""
    seen: dict[str, int] = {}
    for i, note in enumerate(notes):
        for s in set(sentences(note)):
            if s in seen and seen[s] != i:
                return s
            seen.setdefault(s, i)
    return None


def says(text: str, phrases) -> str | None:
    """The first phrase the typed text holds word for word, or None."""
    padded = f" {normal(text)} "
    for phrase in phrases:
        want = normal(phrase)
        if want and f" {want} " in padded:
            return phrase
    return None


def key_texts(scenario) -> tuple[str, ...]:
    """The notes the scenario's model path writes (its answer key), normalised: a trainee's
    note close to one of them was copied from the scenario file, not written."""
    if scenario is None:
        return ()
    out = []
    for step in scenario.model_path:
        if step.do is not None:
            out += [getattr(step.do, k, None) for k in ("note", "description", "action")]
    return tuple(dict.fromkeys(t for t in (normal(x) for x in out if x) if len(t.split()) >= 3))


def shown_texts(scenario) -> tuple[str, ...]:
    """Every text the trainee's pages show for this scenario, normalised."""
    if scenario is None:
        return ()
    out = [scenario.situation, scenario.summary, scenario.title]
    out += [o.label for o in scenario.options]
    out += [r for o in scenario.options for r in o.reply]
    out += [p for n in scenario.conversation.nodes for p in n.patient]
    out += [e.line for e in scenario.events]
    out += [c.feedback.met for c in scenario.criteria] + [c.feedback.not_met for c in scenario.criteria]
    out += [c.title for c in scenario.criteria if c.title]
    out += [o.text for o in scenario.objectives] + list(scenario.reflection)
    return tuple(dict.fromkeys(t for t in (normal(x) for x in out) if t))
