"""Which of the ten CCW 2019 conditions a simulated patient has.

A small exact model over all 2**10 = 1024 subsets of the ten calibrated conditions:

    P(S) = P(count = |S|) * exp(sum of a_i for i in S + sum of theta_ij for pairs in S) / Z_|S|

- ``P(count)`` is the chronic-condition count distribution of population.yaml
  (0-1: 31 %, 2-3: 32 %, 4-5: 23 %, 6+: 14 %; the CMS chartbook buckets);
- ``theta_ij`` are the pair log-odds of population.yaml (hypertension with hyperlipidemia,
  diabetes, CKD ...), so those pairs occur together more often than chance;
- ``a_i`` are fitted here, by iterative scaling on the exact marginals, so that every
  condition's prevalence meets its CCW 2019 target.

The fitted distribution is a table of 1024 cumulative probabilities; drawing a patient's
conditions is one uniform number and a bisection, which keeps the generator fast. All the
arithmetic is plain Python floats (no numpy), rounded to 12 places, so the same seed gives
the same panel on any machine.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from simulated_patients.catalog import Catalog, load_catalog


@dataclass(frozen=True)
class SubsetModel:
    keys: tuple[str, ...]  #: the calibrated condition keys, bit i = keys[i]
    cumulative: tuple[float, ...]  #: cumulative probability of subset masks 0..1023
    marginals: dict[str, float]  #: the model's exact prevalence of each condition
    count_distribution: tuple[float, ...]  #: P(count = k), k = 0..n

    def draw(self, u: float) -> tuple[str, ...]:
        """The condition keys for a uniform number ``u`` in [0, 1)."""
        mask = min(bisect_right(self.cumulative, u), len(self.cumulative) - 1)
        return tuple(k for i, k in enumerate(self.keys) if mask >> i & 1)


def _subset_weights(members: list[tuple[int, ...]], pair_sum: list[float], a: list[float],
                    count_p: list[float]) -> list[float]:
    raw = [math.exp(sum(a[i] for i in m) + ps) for m, ps in zip(members, pair_sum, strict=True)]
    z = [0.0] * len(count_p)
    for m, w in zip(members, raw, strict=True):
        z[len(m)] += w
    return [count_p[len(m)] * w / z[len(m)] for m, w in zip(members, raw, strict=True)]


def fit_subset_model(catalog: Catalog, iterations: int = 400) -> SubsetModel:
    """Fit the single-condition weights so the marginals meet the CCW 2019 targets."""
    specs = catalog.calibrated
    keys = tuple(s.key for s in specs)
    n = len(keys)
    target = [float(s.ccw2019) for s in specs]
    count_p = [float(x) for x in catalog.population["ccw_count"]]
    if len(count_p) != n + 1:
        raise ValueError(f"ccw_count needs {n + 1} entries (counts 0..{n}), found {len(count_p)}")
    total = sum(count_p)
    count_p = [p / total for p in count_p]
    index = {k: i for i, k in enumerate(keys)}
    theta: dict[tuple[int, int], float] = {}
    for a_key, b_key, value in catalog.population.get("ccw_pairs", ()):
        i, j = sorted((index[a_key], index[b_key]))
        theta[(i, j)] = float(value)

    members = [tuple(i for i in range(n) if mask >> i & 1) for mask in range(1 << n)]
    pair_sum = [sum(t for (i, j), t in theta.items() if mask >> i & 1 and mask >> j & 1)
                for mask in range(1 << n)]
    a = [math.log(t / (1 - t)) for t in target]
    probs: list[float] = []
    for _ in range(iterations):
        probs = _subset_weights(members, pair_sum, a, count_p)
        marg = [0.0] * n
        for m, p in zip(members, probs, strict=True):
            for i in m:
                marg[i] += p
        worst = max(abs(m - t) for m, t in zip(marg, target, strict=True))
        if worst < 1e-6:
            break
        for i in range(n):
            m = min(max(marg[i], 1e-9), 1 - 1e-9)
            a[i] += 0.8 * (math.log(target[i] / (1 - target[i])) - math.log(m / (1 - m)))
    cumulative, acc = [], 0.0
    for p in probs:
        acc += p
        cumulative.append(round(acc, 12))
    marginals = {k: sum(p for mask, p in enumerate(probs) if mask >> i & 1) for i, k in enumerate(keys)}
    return SubsetModel(keys=keys, cumulative=tuple(cumulative), marginals=marginals,
                       count_distribution=tuple(count_p))


@cache
def subset_model() -> SubsetModel:
    """The fitted model for the packaged catalog (fitted once per process)."""
    return fit_subset_model(load_catalog())
