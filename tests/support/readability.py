"""Reading level of plain text, for the patient copy's tests.

English: the Flesch-Kincaid grade level (Kincaid et al., 1975: 0.39 x words per sentence + 11.8 x
syllables per word - 15.59). Spanish: the Fernández Huerta reading ease (206.84 - 0.60 x syllables
per 100 words - 1.02 x words per sentence; 70-80 "fairly easy", about grade 7, 80-90 "easy").
Syllables are counted by vowel groups (English: a final silent "e" dropped; Spanish: strong
vowels side by side and an accented i or u are two syllables, the u of que/qui/gue/gui is silent).
Numbers and symbols are words of one syllable.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> int:
    return max(1, len([s for s in _SENTENCE_END.split(text) if words(s)]))


def syllables_en(word: str) -> int:
    w = word.lower()
    if not re.search(r"[a-z]", w):
        return 1
    w = re.sub(r"[^a-z]", "", w)
    n = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(1, n)


_STRONG = set("aeoáéó")
_VOWELS = set("aeiouáéíóúü")


def syllables_es(word: str) -> int:
    w = re.sub(r"(?<=[qg])u(?=[eiéí])", "", word.lower())
    n, prev = 0, ""
    for ch in w:
        if ch in _VOWELS:
            if prev not in _VOWELS or (prev in _STRONG and ch in _STRONG) or ch in "íú" or prev in "íú":
                n += 1
        prev = ch
    return max(1, n)


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level of English text."""
    ws = words(text)
    syl = sum(syllables_en(w) for w in ws)
    return 0.39 * len(ws) / sentences(text) + 11.8 * syl / len(ws) - 15.59


def fernandez_huerta(text: str) -> float:
    """Fernández Huerta reading ease of Spanish text (higher is easier)."""
    ws = words(text)
    syl = sum(syllables_es(w) for w in ws)
    return 206.84 - 60 * syl / len(ws) - 1.02 * len(ws) / sentences(text)
