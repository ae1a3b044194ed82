"""Trainee player and supervisor dashboard, handed to the workbench app as its "trainee" and
"supervisor" views by :mod:`training.ui.apps` (what each entry notebook opens). The widgets load
on first use.
"""
