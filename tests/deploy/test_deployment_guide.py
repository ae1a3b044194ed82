"""docs/deployment.md followed line by line by scripts/follow_deployment_guide.py on this machine:
every step runs (the ones that cannot run here say what they emulate), the administrator and a
care manager sign in through the Hub's login form in Chromium and the care manager opens the
worklist, and afterwards nothing the walk made is left: no prefix, no PostgreSQL cluster, no
service user it created, no process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "follow_deployment_guide.py"


def _user_exists(name: str) -> bool:
    return subprocess.run(["id", name], capture_output=True, check=False).returncode == 0


def _running_under(prefix: Path) -> list[int]:
    found = []
    for proc in psutil.process_iter():
        try:
            if Path(proc.cwd()).is_relative_to(prefix):
                found.append(proc.pid)
        except (psutil.Error, OSError):
            continue
    return found


def test_the_deployment_guide_runs_to_the_end_and_leaves_nothing_behind():
    assert os.geteuid() == 0, "the guide's commands are run as root (useradd, runuser)"
    had_user = _user_exists("ccm")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBENCH_", "JUPYTERHUB_"))}
    done = subprocess.run([sys.executable, str(SCRIPT), "--timeout", "900"],  # its own prefix in /tmp
                          capture_output=True, text=True, env=env, timeout=1800, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]
    steps = re.findall(r"^\[STEP\] (\d+)\.", out, flags=re.MULTILINE)
    assert sorted(set(steps), key=int) == [str(n) for n in range(1, 10)], steps
    # what cannot run in this container is named, never silently left out
    assert re.search(r"^\[EMULATED\] PostgreSQL: a throwaway cluster on 127\.0\.0\.1:\d+", out, re.MULTILINE)
    if not Path("/run/systemd/system").exists():
        assert "[EMULATED] systemd: ExecStart as ccm with UMask=0077" in out
    assert "[SKIPPED] nginx and TLS (step 8)" in out
    assert "npm install --no-audit --no-fund --prefer-offline --prefix" in out
    # the ending: both sign-ins in Chromium, the worklist opened, the trainee refused Jupyter
    assert re.search(r"^\[OK\] Chromium: hubadmin signed in .* landed at http://127\.0\.0\.1:\d+/hub/admin",
                     out, re.MULTILINE)
    assert re.search(r"^\[OK\] Chromium: cm01 signed in, .* opened the worklist at .*/user/cm01/voila/render/"
                     r"worklist\.ipynb", out, re.MULTILINE)
    for path in ("/lab", "/api/contents", "/hub/signup"):
        assert re.search(rf"^\[OK\] \S*{re.escape(path)} refused", out, re.MULTILINE), path
    done_line = re.search(r"^\[DONE\] docs/deployment\.md steps 1-9 followed under (/\S+)$", out, re.MULTILINE)
    assert done_line, out[-3000:]
    # and it cleaned up after itself
    prefix = Path(done_line.group(1))
    assert f"[CLEANED] {prefix}" in out and not prefix.exists()
    cluster = re.search(r"^\[CLEANED\] (/\S*ccm-guide-pg-\S*)$", out, re.MULTILINE)
    assert cluster and not Path(cluster.group(1)).exists()
    assert _user_exists("ccm") == had_user
    assert _running_under(prefix) == []
