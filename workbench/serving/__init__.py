"""Serving the dashboards: the Voila command line, the JupyterHub service, signing in at launch and
stopping the process tree."""
