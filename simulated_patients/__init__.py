"""Simulated patients: a clinical catalog and a seeded, prevalence-calibrated panel generator.

    from simulated_patients import generate_panel
    panel = generate_panel(500, seed=7)              # records.Panel, in memory
    panel = generate_panel(None, 0, preset="onboarding-12")

See docs/simulated-patients.md.
"""

from __future__ import annotations

from datetime import date

from simulated_patients.generator import DEFAULT_START, build_panel
from simulated_patients.presets import PRESETS, get_preset
from workbench.errors import InvalidInput
from workbench.records import Panel

__all__ = ["DEFAULT_START", "PRESETS", "generate_panel"]


def generate_panel(size: int | None, seed: int, *, preset: str | None = None, start: date | None = None,
                   progress: bool = False) -> Panel:
    """A simulated CCM panel of ``size`` patients, the same for the same ``seed``.

    ``preset`` names one of :data:`simulated_patients.presets.PRESETS` (its size is used:
    pass ``size=None``, 0 or the preset's own size). ``start`` is the reference day the
    12 months of history end on (default 2026-11-01, fixed for reproducibility).
    """
    if preset is not None:
        p = get_preset(preset)
        if size not in (None, 0, p.size):
            raise InvalidInput(f"The preset {preset} always has {p.size} patients; leave the size out.", "size")
        return p.build(seed, start or DEFAULT_START, progress)
    return build_panel(size, seed, start=start, progress=progress)  # type: ignore[arg-type]
