"""Example JupyterHub configuration for a care team on one PostgreSQL database.

Each signed-in user gets their own single-user server; the Hub user name is the staff id, so it
is the author of every row they write (the workbench reads JUPYTERHUB_USER). Create the staff
first with `workbench import staff staff.csv --db $WORKBENCH_DB`, using the Hub user names as
staff ids. Start with:  jupyterhub -f deploy/jupyterhub_config.py
"""

import os

c = get_config()  # noqa: F821  (provided by JupyterHub)

# One database for the team (a postgresql:// URL); every user's kernels inherit it.
c.Spawner.environment = {"WORKBENCH_DB": os.environ["WORKBENCH_DB"]}

# Users land on the workbench dashboards served by Voila inside their own server.
c.Spawner.default_url = "/voila/render/worklist.ipynb"
c.Spawner.notebook_dir = os.environ.get("WORKBENCH_NOTEBOOKS", "/opt/ccm-workbench/notebooks")

# Local system accounts; replace with your organisation's OAuthenticator in production.
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
c.Authenticator.allowed_users = set(os.environ.get("WORKBENCH_STAFF", "").split()) or None

c.JupyterHub.bind_url = "http://127.0.0.1:8000"
