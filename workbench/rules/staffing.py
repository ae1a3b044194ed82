"""The state staffing rule (reference, "Who may do the work").

One seed source states that CA, CT, MD, PA, OR and NJ require licensed nurses for CCM
clinical services. CMS text does not confirm it, so the rule is configurable and only
**flags** time from unlicensed clinical staff (CMA, CNA, RMA) in those states: it never
blocks or removes time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.records import UNLICENSED_CREDENTIALS, User

DEFAULT_STATES = frozenset({"CA", "CT", "MD", "PA", "OR", "NJ"})


@dataclass(frozen=True)
class StaffingRule:
    """States whose CCM clinical services need licensed nurses (editable per practice)."""

    states: frozenset[str] = field(default=DEFAULT_STATES)

    def __post_init__(self) -> None:
        object.__setattr__(self, "states", frozenset(s.strip().upper() for s in self.states))

    def flag(self, user: User) -> str | None:
        """A flag for unlicensed clinical staff working in a listed state, else None.

        Reference, "Who may do the work": flag, never block.
        """
        state = (user.state or "").strip().upper()
        if user.credential in UNLICENSED_CREDENTIALS and state in self.states:
            return f"staff {user.credential} in {state}: flagged by state staffing rule"
        return None
