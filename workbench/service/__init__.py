"""The application layer behind one façade, :class:`Workbench`.

The methods are grouped by seam of the record, one mixin module each (identity and settings,
patients and chart, timers, time entries, consent, care plan, contacts, screening and barriers,
escalation, attestation); every write goes through :mod:`workbench.store.uow`.
"""

from .core import _ENGINES, SYSTEM_USER
from .workbench import Workbench

__all__ = ["SYSTEM_USER", "Workbench", "_ENGINES"]
