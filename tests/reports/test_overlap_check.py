"""The month report's overlap check (one comparison per adjacent pair, in start order) says
"overlap" exactly when some two timed entries of one service overlap (hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.reports.month_sql import _overlaps

BASE = datetime(2026, 10, 1, 13, 0)


def _text(seconds: int) -> str:
    return (BASE + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S.%f")


intervals = st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 900)), min_size=1, max_size=25)


@settings(max_examples=300, deadline=None)
@given(intervals, st.integers(1, 4), st.randoms(use_true_random=False))
def test_adjacent_pairs_decide_overlap(spans, groups, rnd):
    pairs = [(start, start + length) for start, length in spans]
    brute = any(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(pairs) for b in pairs[i + 1:])
    rnd.shuffle(pairs)  # rows of one staff group come in any order; several groups per service
    parts = [",".join(f"{_text(a)}/{_text(b)}" for a, b in pairs[k::groups]) for k in range(groups)]
    assert _overlaps([p for p in parts if p]) is brute


def test_touching_entries_do_not_overlap():
    assert _overlaps([f"{_text(0)}/{_text(60)},{_text(60)}/{_text(120)}"]) is False
    assert _overlaps([f"{_text(0)}/{_text(60)}", f"{_text(59)}/{_text(120)}"]) is True
