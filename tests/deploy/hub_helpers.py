"""A real JupyterHub on 127.0.0.1 with the shipped deploy/jupyterhub_config.py.

What the Hub needs is installed when missing, so a fresh machine (CI) runs the test:
JupyterHub and NativeAuthenticator into this venv (pyproject's ``test`` extra lists them), and
configurable-http-proxy with npm into a cache folder (``~/.cache/ccm-workbench/chp``, or
``$WORKBENCH_CACHE/chp``). The test's own config loads the shipped one and changes only the
ports and the authenticator: the Hub's shared-password authenticator, with a password made up
for this run (never in a shipped file), and one Hub user who is not on the staff list.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
CHP_VERSION = "5.3.0"
#: A Hub account that is not on the practice's staff list (e.g. added to the Hub by mistake).
STRANGER = "visitor7"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_jupyterhub() -> None:
    """JupyterHub and NativeAuthenticator in this interpreter (pip, when missing)."""
    try:
        import jupyterhub  # noqa: F401
        import nativeauthenticator  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "jupyterhub>=5,<7",
                        "jupyterhub-nativeauthenticator>=1.3"], check=True)


def cache_dir() -> Path:
    base = os.environ.get("WORKBENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ccm-workbench")
    return Path(base)


def ensure_chp() -> Path:
    """The folder holding ``configurable-http-proxy`` (npm install into the cache when missing)."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return Path(found).parent
    prefix = cache_dir() / "chp"
    bin_dir = prefix / "node_modules" / ".bin"
    if not (bin_dir / "configurable-http-proxy").exists():
        if shutil.which("npm") is None:
            raise RuntimeError("npm is needed to install configurable-http-proxy "
                               "(apt-get install nodejs npm; scripts/system-deps.sh does it)")
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
                        f"configurable-http-proxy@{CHP_VERSION}"], check=True)
    return bin_dir


def write_test_config(path: Path, extra_users: set[str], password: str) -> None:
    path.write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(SHIPPED_CONFIG)!r})  # noqa: F821  the shipped config, unchanged\n"
        "# the test's authenticator: one password for this run only\n"
        "c.JupyterHub.authenticator_class = 'shared-password'\n"
        f"c.SharedPasswordAuthenticator.user_password = {password!r}\n"
        f"c.Authenticator.allowed_users = set(c.Authenticator.allowed_users) | set({sorted(extra_users)!r})\n"
        "c.JupyterHub.log_level = 'INFO'\n")


def wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyterhub exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
        try:
            urllib.request.urlopen(url, timeout=3)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer: it is up
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"jupyterhub did not answer within {timeout:.0f} s:\n{log.read_text()[-4000:]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for_service(base: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Until the proxy routes /services/workbench/ to the running service: its root answers
    with its own redirect to the landing page (the Hub answers 404 or 503 before that)."""
    deadline = time.time() + timeout
    opener = urllib.request.build_opener(_NoRedirect)
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyterhub exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
        try:
            opener.open(f"{base}/services/workbench/", timeout=3)
        except urllib.error.HTTPError as err:
            if err.code == 302 and "voila/render/index.ipynb" in err.headers.get("Location", ""):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the workbench service did not come up within {timeout:.0f} s:\n"
                       f"{log.read_text()[-4000:]}")


@contextlib.contextmanager
def running_hub(db_url: str, tmp: Path, extra_users: set[str] = frozenset()):
    """A Hub with the shipped config on 127.0.0.1; yields base URL, password, log path."""
    ensure_jupyterhub()
    chp_bin = ensure_chp()
    password = secrets.token_urlsafe(18)
    config = tmp / "test_jupyterhub_config.py"
    write_test_config(config, set(extra_users), password)
    port = free_port()
    env = {**os.environ,
           "PATH": os.pathsep.join([str(chp_bin), str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
           "WORKBENCH_DB": db_url, "WORKBENCH_HUB_STATE": str(tmp / "hub"),
           "WORKBENCH_HUB_BIND": f"http://127.0.0.1:{port}", "WORKBENCH_HUB_PORT": str(free_port()),
           "WORKBENCH_PROXY_API_PORT": str(free_port()), "WORKBENCH_SERVICE_PORT": str(free_port())}
    for var in ("JUPYTERHUB_USER", "WORKBENCH_USER", "WORKBENCH_IDENTITY", "QUERY_STRING"):
        env.pop(var, None)
    log = tmp / "jupyterhub.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=tmp, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/hub/login", proc, log)
        wait_for_service(base, proc, log)
        yield {"base": base, "password": password, "log": log, "proc": proc}
    finally:
        stop(proc)
        stop_proxy(tmp / "hub" / "jupyterhub-proxy.pid")


def stop_proxy(pid_file: Path) -> None:
    """The proxy runs in its own session: end it by its pid file if the Hub left it running."""
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    if b"configurable-http-proxy" in cmdline:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def service_secret(hub_proc: subprocess.Popen) -> str:
    """The Hub API token the workbench service runs with (from its /proc environment)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            if b"workbench.serving.hub" not in cmdline:
                continue
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for item in environ:
            if item.startswith(b"JUPYTERHUB_API_TOKEN="):
                return item.split(b"=", 1)[1].decode()
    raise RuntimeError("the workbench service process was not found")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the Hub (it stops its service and proxy); kill its process group if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
