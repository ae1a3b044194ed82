"""Simulated patients: a clinical catalog and a seeded, prevalence-calibrated panel generator.

    from simulated_patients import generate_panel
    panel = generate_panel(500, seed=7)              # records.Panel, in memory
    panel = generate_panel(None, 0, preset="onboarding-12")

See docs/simulated-patients.md.
"""

from simulated_patients.export import panel_to_rows
from simulated_patients.generator import DEFAULT_START, generate_panel
from simulated_patients.presets import PRESETS, list_presets

__all__ = ["DEFAULT_START", "PRESETS", "generate_panel", "list_presets", "panel_to_rows"]
