"""JupyterHub for a care team on one PostgreSQL database: one workbench server per signed-in person.

Nobody gets a Jupyter server: no JupyterLab, terminal, contents API or code execution. People sign
in to the Hub with an account made on the server (``workbench hub init`` for the administrator,
``workbench hub users sync`` for staff, one-time passwords changed at the first sign-in; there is
no sign-up page), and the Hub starts each person's own workbench server at ``/user/<name>/``:
the Hub-authenticated standalone Voila app (``workbench serve --hub``), which starts each page's
kernel for that person only. jupyterhub-idle-culler stops servers nobody has used for an hour.

Environment (docs/deployment.md has the whole installation):
    WORKBENCH_DB_FILE         file holding the app role's database URL, readable by the service user
                              only (default /etc/ccm-workbench/database-url). The Hub never reads it:
                              each person's server does, so the URL is never in the Hub's database.
    WORKBENCH_HUB_STATE       folder for the Hub's own state (default /var/lib/ccm-workbench/hub),
                              kept 0700 with files 0600 whatever the umask
    WORKBENCH_HUB_BIND        URL the proxy listens on (default http://127.0.0.1:8000; TLS in front)
    WORKBENCH_HUB_PUBLIC_URL  the address people type, e.g. https://ccm.example.org/ ; an https://
                              address makes every Hub cookie Secure and SameSite=Lax and sends HSTS
    WORKBENCH_HUB_ADMIN       the Hub administrator's user name (default hubadmin)
    WORKBENCH_IDLE_MINUTES    stop a person's server after this many idle minutes (default 60)
    WORKBENCH_HUB_PORT, WORKBENCH_PROXY_API_PORT   loopback ports (defaults 8081, 8001)
    WORKBENCH_MAX_PAGES, WORKBENCH_KERNEL_MEMORY_MB, ...   the serving guards' limits, passed on to
                              every person's server (workbench/serving/guards.py; defaults there)
    WORKBENCH_DB_POOL_SIZE, WORKBENCH_DB_POOL_OVERFLOW   PostgreSQL connections each server and page
                              keeps (default 1) and may add for a moment (default 4)

Start with:  jupyterhub -f deploy/jupyterhub_config.py   (as the service user, in the state folder)
"""

import os
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub)

# ---- the Hub's state: private to the service user, whatever the umask it was started with
os.umask(0o077)
STATE = Path(os.environ.get("WORKBENCH_HUB_STATE", "/var/lib/ccm-workbench/hub")).resolve()
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
os.chmod(STATE, 0o700)
for _entry in STATE.rglob("*"):
    if not _entry.is_symlink():
        os.chmod(_entry, 0o700 if _entry.is_dir() else 0o600)
ADMIN = os.environ.get("WORKBENCH_HUB_ADMIN", "hubadmin").lower()

# ---- the database URL: a file only the service user can read; the Hub passes its NAME only
DB_FILE = Path(os.environ.get("WORKBENCH_DB_FILE", "/etc/ccm-workbench/database-url"))
if not DB_FILE.is_file():
    sys.exit(f"{DB_FILE} is missing: put the app role's database URL in it (docs/deployment.md, step 4).")
if stat.S_IMODE(DB_FILE.stat().st_mode) & 0o077:
    sys.exit(f"{DB_FILE} can be read by others: chmod 600 {DB_FILE} (it holds the database password).")

# ---- the Hub, its proxy (configurable-http-proxy from npm) and its own state, all on loopback
c.JupyterHub.bind_url = os.environ.get("WORKBENCH_HUB_BIND", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("WORKBENCH_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('WORKBENCH_PROXY_API_PORT', '8001'))}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# ---- behind TLS: Secure, SameSite=Lax cookies and HSTS (nginx terminates TLS, docs step 7)
PUBLIC_URL = os.environ.get("WORKBENCH_HUB_PUBLIC_URL", "")
if PUBLIC_URL:
    c.JupyterHub.public_url = PUBLIC_URL
if PUBLIC_URL.startswith("https://"):
    c.JupyterHub.cookie_options = {"secure": True, "samesite": "Lax"}
    c.JupyterHub.tornado_settings = {
        "headers": {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}}

# ---- one workbench server per person: `workbench serve --hub`, never a Jupyter server
from workbench.serving.hub_spawner import default_url  # noqa: E402

c.JupyterHub.spawner_class = "workbench.serving.hub_spawner.WorkbenchSpawner"
c.WorkbenchSpawner.servers_dir = str(STATE / "servers")
c.Spawner.cmd = [sys.executable, "-m", "workbench.cli", "serve", "--hub"]
c.Spawner.args = []
c.Spawner.environment = {"WORKBENCH_DB_FILE": str(DB_FILE)}
# the serving guards' settings (workbench/serving/guards.py: pages per person, kernel memory, ...)
# reach each person's server when they are set for the Hub
for _var in ("WORKBENCH_MAX_PAGES", "WORKBENCH_KERNEL_MEMORY_MB", "WORKBENCH_KERNEL_ADDRESS_SPACE_MB",
             "WORKBENCH_DEAD_TAB_MINUTES", "WORKBENCH_WS_MAX_MESSAGE_KB",
             "WORKBENCH_DB_POOL_SIZE", "WORKBENCH_DB_POOL_OVERFLOW"):  # and the database connections kept
    if os.environ.get(_var):
        c.Spawner.environment[_var] = os.environ[_var]
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.JupyterHub.default_url = default_url
c.JupyterHub.allow_named_servers = False

# ---- idle servers are stopped by jupyterhub-idle-culler (PyPI), a Hub-managed service
IDLE_SECONDS = 60 * int(os.environ.get("WORKBENCH_IDLE_MINUTES", "60"))
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_SECONDS}",
                "--cull-every=300"],
}]
c.JupyterHub.load_roles = [
    # what a signed-in person may do at the Hub: start, stop and use their own workbench server
    {"name": "user", "scopes": ["self"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]

# ---- who may sign in: accounts made on the server only (no sign-up), one-time passwords
c.JupyterHub.authenticator_class = "workbench.serving.hub_accounts.WorkbenchAuthenticator"
c.WorkbenchAuthenticator.accounts_file = str(STATE / "accounts.sqlite")
c.WorkbenchAuthenticator.allowed_failed_logins = 5
c.WorkbenchAuthenticator.seconds_before_next_try = 300
c.Authenticator.admin_users = {ADMIN}
# For an organisation's single sign-on use OAuthenticator's GenericOAuthenticator instead
# (docs/deployment.md, "Single sign-on"); for an LMS cohort, jupyterhub-ltiauthenticator.
