"""One workbench server per signed-in person, started by the Hub on this machine.

The Hub's ``c.Spawner.cmd`` runs ``workbench serve --hub``: the Hub-authenticated standalone Voila
app (never a Jupyter server: no contents, terminals or code execution) as that person's own
server at ``/user/<name>/``. Each person's server is a separate process, so a crash or an
out-of-memory kill of one person's server ends only that person's pages.

People here are Hub accounts, not accounts of the machine, so the servers run as the service
user (like the Hub), each in its own folder under the Hub's state folder (0700). Nobody can run
code in a server, so one person cannot read another's files through it. Where systemd runs the
machine, jupyterhub-systemdspawner gives each server its own memory and CPU limits
(docs/deployment.md, "Memory and CPU limits with systemd").
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode, default


class WorkbenchSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that keeps the service user and gives each person a private folder."""

    servers_dir = Unicode(config=True, help="Folder holding one private folder per person's server "
                          "(default: a 'servers' folder beside the Hub's database).")

    @default("servers_dir")
    def _servers_dir_default(self):
        return str(Path.cwd() / "servers")

    @property
    def home_dir(self) -> str:
        return str(Path(self.servers_dir) / self.user.name)

    def make_preexec_fn(self, name):
        home = self.home_dir

        def preexec():  # runs in the child before exec: its own session, a private folder
            os.umask(0o077)
            os.makedirs(home, 0o700, exist_ok=True)
            os.chmod(home, 0o700)
            os.chdir(home)

        return preexec

    def user_env(self, env):
        env["USER"] = self.user.name
        env["HOME"] = self.home_dir
        env["JUPYTER_RUNTIME_DIR"] = str(Path(self.home_dir) / "runtime")
        env["SHELL"] = "/usr/sbin/nologin"
        return env

    def move_certs(self, paths):
        return paths


def default_url(handler) -> str:
    """The administrator lands on the Hub's admin page; everyone else in their own workbench."""
    user = handler.current_user
    if user is not None and user.admin:
        return handler.hub.base_url + "admin"
    return handler.hub.base_url + "spawn"
