"""ipywidgets components and the Voila app of the CCM Workbench. They call the service, never SQL.

The one app is :mod:`workbench.ui.app`; each entry notebook opens it on a view through
:mod:`training.ui.apps`, which hands it the training pages.
"""
