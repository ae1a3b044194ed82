"""JupyterHub for a care team on one PostgreSQL database: the workbench as ONE Voila service.

Nobody gets a Jupyter server: no JupyterLab, terminal, contents API or code execution. People
sign in to the Hub (NativeAuthenticator: sign up, an administrator approves) and reach only the
workbench, a Hub-managed service at /services/workbench/ that authenticates every request with
the Hub and starts each page's kernel for the signed-in user (workbench/serving/hub.py). The Hub
user name is the staff id (case does not matter); a Hub user who is not on the staff list is
refused by the service with a sentence saying so.

Environment (docs/deployment.md has the whole installation):
    WORKBENCH_DB              the app role's URL, postgresql+psycopg://ccm_app:...@127.0.0.1/ccm (required)
    WORKBENCH_HUB_STATE       folder for the Hub's own state (default /var/lib/ccm-workbench/hub)
    WORKBENCH_HUB_BIND        public URL the proxy listens on (default http://127.0.0.1:8000;
                              put TLS in front, e.g. nginx, or give an https:// URL with certificates)
    WORKBENCH_HUB_ADMIN       the Hub administrator's user name (default hubadmin); approves sign-ups
    WORKBENCH_HUB_PORT, WORKBENCH_PROXY_API_PORT, WORKBENCH_SERVICE_PORT   loopback ports
                              (defaults 8081, 8001, 10101)

Start with:  jupyterhub -f deploy/jupyterhub_config.py
"""

import os
import sys
from pathlib import Path

from tornado import web

from jupyterhub.spawner import Spawner

c = get_config()  # noqa: F821  (provided by JupyterHub)

DB = os.environ.get("WORKBENCH_DB")
if not DB:
    sys.exit("Set WORKBENCH_DB to the workbench database URL (the app role), see docs/deployment.md.")
STATE = Path(os.environ.get("WORKBENCH_HUB_STATE", "/var/lib/ccm-workbench/hub"))
STATE.mkdir(parents=True, exist_ok=True)
ADMIN = os.environ.get("WORKBENCH_HUB_ADMIN", "hubadmin")
SERVICE_PORT = int(os.environ.get("WORKBENCH_SERVICE_PORT", "10101"))

# ---- the Hub, its proxy (configurable-http-proxy from npm) and its own state, all on loopback
c.JupyterHub.bind_url = os.environ.get("WORKBENCH_HUB_BIND", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("WORKBENCH_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('WORKBENCH_PROXY_API_PORT', '8001'))}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# ---- the workbench: one Hub-managed Voila service, signed in by the Hub
c.JupyterHub.services = [{
    "name": "workbench",
    "display": True,
    "url": f"http://127.0.0.1:{SERVICE_PORT}",
    "command": [sys.executable, "-m", "workbench.cli", "serve", "--hub"],
    # the database URL travels in the environment, never on a command line others can read
    "environment": {"WORKBENCH_DB": DB, "HOME": str(STATE),
                    "JUPYTER_RUNTIME_DIR": str(STATE / "runtime")},
    "oauth_no_confirm": True,
}]
c.JupyterHub.default_url = "/services/workbench/"
c.JupyterHub.redirect_to_server = False

# What a signed-in person may do at the Hub: use the workbench service and see their own name.
# No "servers" scope: nobody can start a Jupyter server (and the spawner below refuses anyway).
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["access:services!service=workbench", "read:users:name!user",
                              "read:users:groups!user"]},
]


class NoServers(Spawner):
    """This deployment gives nobody a Jupyter server: the workbench service is the whole app."""

    async def start(self):
        raise web.HTTPError(403, "This workbench gives nobody a Jupyter server. Open the workbench "
                                 "at /services/workbench/.")

    async def poll(self):
        return 0

    async def stop(self, now=False):
        return None


c.JupyterHub.spawner_class = NoServers

# ---- who may sign in: NativeAuthenticator (a password per person; an administrator approves
# each sign-up at /hub/authorize). For an organisation's single sign-on use OAuthenticator
# instead (docs/deployment.md, "Single sign-on").
import nativeauthenticator  # noqa: E402

c.JupyterHub.authenticator_class = "native"
c.JupyterHub.template_paths = [f"{os.path.dirname(nativeauthenticator.__file__)}/templates/"]
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 12
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 300
c.Authenticator.admin_users = {ADMIN}


def _staff_ids() -> set[str]:
    """The staff ids in the workbench database: the only Hub users allowed to sign in."""
    from workbench.service import Workbench

    return {u.id.lower() for u in Workbench.open(DB).users()}


# Only staff (and the administrator) may sign in; restart the Hub after adding staff. The
# workbench service checks the staff list again on every page, so someone removed from it is
# refused even before the restart.
c.Authenticator.allowed_users = _staff_ids() | {ADMIN}
