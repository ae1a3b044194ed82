"""Fast draws from a ``random.Random`` (the generator's hot loop avoids the slower
``randint`` and ``gauss``); all deterministic for a given generator state."""

from __future__ import annotations

import random


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
