"""Fast draws from a ``random.Random`` (the generator's hot loop avoids the slower
``randint`` and ``gauss``); all deterministic for a given generator state."""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate


def between(rng: random.Random, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` inclusive."""
    return low + int(rng.random() * (high - low + 1))


def normal(rng: random.Random) -> float:
    """A fast, bounded standard-normal-like draw (Irwin-Hall of four uniforms, sd 1, |x| < 3.5)."""
    r = rng.random
    return (r() + r() + r() + r() - 2.0) * 1.7320508075688772


def weighted_pick(rng: random.Random, items, weights):
    """One of ``items``, chosen with the given relative ``weights``."""
    total = sum(weights)
    u = rng.random() * total
    for item, w in zip(items, weights, strict=True):
        u -= w
        if u < 0:
            return item
    return items[-1]


class Picker:
    """Weighted choice with the cumulative weights computed once (``pick`` is a bisection)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cum = tuple(accumulate(float(w) for w in weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        i = bisect_right(self.cum, rng.random() * self.total)
        return self.items[i if i < len(self.items) else -1]
