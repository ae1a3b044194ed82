"""Who is signed in: one answer for each way the workbench is served.

A server that starts the dashboards says how people sign in with ``WORKBENCH_IDENTITY``, which
its kernels inherit:

- ``hub``: the team deployment (deploy/jupyterhub_config.py). The Voila service authenticates
  every request with JupyterHub (:mod:`workbench.serving.hub`) and starts each kernel with the
  signed-in Hub user in ``JUPYTERHUB_USER``. Nothing in the page's URL is trusted.
- ``user``: ``workbench serve --user ID``, one person on their own machine (``WORKBENCH_USER``).
- ``demo``: ``workbench demo`` or ``workbench serve --demo-sign-in``: the labelled sign-in picker,
  no passwords; the demo's links carry ``?user=ID``.

Without ``WORKBENCH_IDENTITY`` (a bare ``voila notebooks/`` during development, the notebook
tests) the pages behave as the demo does. Every command the workbench ships sets it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from ..errors import PermissionDenied, WorkbenchError

MODE_VAR = "WORKBENCH_IDENTITY"
USER_VAR = "WORKBENCH_USER"
HUB_USER_VAR = "JUPYTERHUB_USER"
HUB, SINGLE, DEMO = "hub", "user", "demo"
MODES = (HUB, SINGLE, DEMO)

#: What a staff id given on the command line may look like (the Hub applies its own rules).
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


def serving_mode(env: Mapping[str, str] | None = None) -> str | None:
    """The identity mode the server was started with, or None when none was set."""
    env = os.environ if env is None else env
    mode = env.get(MODE_VAR, "").strip().lower()
    if not mode:
        return None
    if mode not in MODES:
        raise WorkbenchError(f"{MODE_VAR} must be one of {', '.join(MODES)} (got {mode!r}).")
    return mode


def signed_in(params: Mapping[str, str], env: Mapping[str, str] | None = None) -> str | None:
    """The staff id working in this kernel, or None when the demo picker should ask.

    ``params`` are the page's query parameters; only the demo reads ``user`` from them.
    Raises PermissionDenied when the server promised an identity and none arrived.
    """
    env = os.environ if env is None else env
    mode = serving_mode(env)
    if mode == HUB:
        uid = env.get(HUB_USER_VAR, "").strip()
        if not uid:
            raise PermissionDenied("This workbench signs people in through JupyterHub, and no "
                                   "signed-in user reached this page. Sign in again from the Hub.")
        return uid
    if mode == SINGLE:
        uid = env.get(USER_VAR, "").strip()
        if not uid:
            raise PermissionDenied("This workbench was started for one person (workbench serve "
                                   "--user ID), but no user was given. Restart it with --user.")
        return uid
    if mode == DEMO:
        return env.get(USER_VAR) or params.get("user") or None
    return env.get(HUB_USER_VAR) or env.get(USER_VAR) or params.get("user") or None


def hub_environment_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why this process cannot be the Hub's workbench service, or None when it can."""
    env = os.environ if env is None else env
    missing = [v for v in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_SERVICE_URL",
                           "JUPYTERHUB_API_URL") if not env.get(v)]
    if missing:
        return ("--hub is the command JupyterHub runs for its 'workbench' service "
                "(deploy/jupyterhub_config.py); it needs the variables the Hub sets: "
                f"{', '.join(missing)} missing. Start the Hub instead: jupyterhub -f "
                "deploy/jupyterhub_config.py (docs/deployment.md).")
    return None


def serve_identity(hub: bool = False, user: str | None = None, demo_sign_in: bool = False,
                   env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment ``workbench serve`` gives its kernels for the chosen identity source.

    Exactly one source: the Hub, a single ``--user``, or an explicit ``--demo-sign-in``.
    Raises WorkbenchError saying why when there is none, more than one, or a bad one.
    """
    chosen = [name for name, on in (("--hub", hub), ("--user", user is not None),
                                    ("--demo-sign-in", demo_sign_in)) if on]
    if not chosen:
        raise WorkbenchError(
            "workbench serve needs to know who is signed in, and will not take it from the page "
            "URL. Choose one: --hub (the team deployment behind JupyterHub, see "
            "docs/deployment.md), --user ID (one person on this machine), or --demo-sign-in "
            "(a picker without passwords, for demonstrations only).")
    if len(chosen) > 1:
        raise WorkbenchError(f"Choose one identity source, not {' and '.join(chosen)}.")
    if hub:
        problem = hub_environment_problem(env)
        if problem:
            raise WorkbenchError(problem)
        return {MODE_VAR: HUB}
    if user is not None:
        if not _ID.match(user):
            raise WorkbenchError("--user must be a staff id: letters, digits, '.', '_', '@' or '-', "
                                 "at most 64 characters.")
        return {MODE_VAR: SINGLE, USER_VAR: user}
    return {MODE_VAR: DEMO}
