"""``workbench serve``: refuse to start without an identity source, then serve with it.

- ``--hub``: become JupyterHub's ``workbench`` service (:mod:`workbench.serving.hub`), in place of
  this process so the Hub's stop signal reaches Voila and its kernels directly.
- ``--user ID``: one staff member, checked against the staff list before anything starts.
- ``--demo-sign-in``: the demo's picker (no passwords).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import NotFound, WorkbenchError
from ..ui.identity import serve_identity


def serve(args, open_db: Callable, serve_voila: Callable, notebooks: Path) -> int:
    identity = serve_identity(hub=args.hub, user=args.user, demo_sign_in=args.demo_sign_in)
    wb = open_db(args)  # the database exists and is current before any kernel starts
    from ..store.engine import database_url

    db = database_url(args.db)
    if args.user is not None:
        try:
            wb.get_user(args.user)
        except NotFound:
            raise WorkbenchError(f"--user {args.user}: no staff member has that id here "
                                 "(workbench import staff adds them).") from None
    if args.hub:
        return exec_hub_service(db, identity, notebooks)
    return serve_voila(db, args.port, identity)


def hub_service_command(db: str, identity: dict[str, str], notebooks: Path) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of the Hub's workbench service (Voila with Hub sign-in) serving
    the ``notebooks`` folder."""
    from .voila import voila_command

    port = 8866  # replaced by the Hub's service URL in workbench.serving.hub
    argv, env = voila_command(notebooks, port, db)
    assert argv[1:3] == ["-m", "workbench.serving.guards"], argv
    argv[1:3] = ["-m", "workbench.serving.hub"]
    env.update(identity)
    return argv, env


def exec_hub_service(db: str, identity: dict[str, str], notebooks: Path) -> int:  # pragma: no cover - replaces the process
    argv, env = hub_service_command(db, identity, notebooks)
    owner = os.environ.get("JUPYTERHUB_USER")
    print(f"CCM Workbench: serving {owner}'s own workbench server for JupyterHub" if owner
          else "CCM Workbench: serving as JupyterHub's 'workbench' service", flush=True)
    sys.stdout.flush()
    os.execve(argv[0], argv, {**os.environ, **env})
    return 0
