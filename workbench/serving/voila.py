"""How the workbench's Voila apps are served: one command line for the CLI and the browser tests.

The apps run offline: the ``ccm`` template (under ``workbench/ui/share/jupyter/voila/templates/ccm``) extends
Voila's ``lab`` template without its Font Awesome CDN links (Voila's bundled static files already
carry Font Awesome 5 CSS and fonts), and the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The folder put on ``JUPYTER_PATH`` so Voila finds the ``ccm`` template.
SHARE = Path(__file__).resolve().parents[1] / "ui" / "share" / "jupyter"
TEMPLATE = "ccm"
#: Voila with the serving guards (workbench/serving/guards.py): what one page cannot do to others.
GUARDED_VOILA = "workbench.serving.guards"
#: Where ``voila.json`` (privacy-safe Voila settings) lives: the repository root.
REPO_ROOT = Path(__file__).resolve().parents[2]


def voila_command(notebooks_dir: str | os.PathLike, port: int, db: str | os.PathLike | None) -> tuple[list[str], dict[str, str]]:
    """The argv and the extra environment that serve ``notebooks_dir`` with Voila on 127.0.0.1.

    ``db`` is the database path or SQLAlchemy URL the kernels open (``WORKBENCH_DB``).
    The caller merges ``env`` into ``os.environ`` when starting the process.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ValueError(f"Port must be a whole number from 1 to 65535 (got {port!r}).")
    argv = [sys.executable, "-m", GUARDED_VOILA, str(Path(notebooks_dir)), "--no-browser",
            f"--port={port}", "--Voila.ip=127.0.0.1"]
    if (SHARE / "voila" / "templates" / TEMPLATE).is_dir():
        argv.append(f"--template={TEMPLATE}")
    paths = [str(SHARE)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env = {"JUPYTER_PATH": os.pathsep.join(dict.fromkeys(paths)),
           "JUPYTER_CONFIG_PATH": os.pathsep.join(
               dict.fromkeys([str(REPO_ROOT)] + [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "")
                                                 .split(os.pathsep) if p]))}
    if db is not None:
        env["WORKBENCH_DB"] = str(db)
    return argv, env
