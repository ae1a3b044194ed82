"""A real JupyterHub on 127.0.0.1 exactly as shipped: deploy/jupyterhub_config.py, unchanged, with
the workbench's own authenticator, run by a NEW virtual environment into which ``pip install -e
'.[hub]'`` resolved the versions from the registry (pip's cache allowed), as docs/deployment.md does.

configurable-http-proxy comes from npm into a cache folder (``~/.cache/ccm-workbench/chp``, or
``$WORKBENCH_CACHE/chp``). Accounts are made the way the guide makes them: ``workbench hub init``
(the administrator, a one-time password printed once) and ``workbench hub users sync`` (staff,
one-time passwords written to a 0600 file).
"""

from __future__ import annotations

import contextlib
import os
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
ADMIN = "hubadmin"
#: A Hub account that is not on the practice's staff list (e.g. made by mistake).
STRANGER = "visitor7"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_hub_venv(where: Path) -> Path:
    """A new venv with ``pip install -e ROOT[hub]`` from the registry: returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "-e", f"{ROOT}[hub]"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pip install -e '.[hub]' failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return python


def installed_versions(python: Path) -> dict[str, str]:
    out = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
                         capture_output=True, text=True, check=True).stdout
    return {name.lower(): version for name, _, version in (line.partition("==") for line in out.split())}


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


def wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyterhub exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
        try:
            urllib.request.urlopen(url, timeout=3)
            return  # the Hub's own page: the proxy routes to the Hub
        except OSError:  # not listening yet, or the proxy's 404/503 before the Hub's route
            time.sleep(0.5)
    raise RuntimeError(f"jupyterhub did not answer within {timeout:.0f} s:\n{log.read_text()[-4000:]}")


def workbench_cli(python: Path, env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(python), "-m", "workbench.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"workbench {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def running_hub(python: Path, db_url: str, tmp: Path):
    """The shipped config on 127.0.0.1, started with umask 022 (the config must not care).

    Yields ``base``, ``passwords`` (account -> the one-time password it was given), ``state``,
    ``db_file``, ``log``, ``proc``."""
    chp_bin = ensure_chp()
    state = tmp / "hub"
    db_file = tmp / "etc" / "database-url"
    db_file.parent.mkdir()
    fd = os.open(db_file, os.O_CREAT | os.O_WRONLY, 0o600)
    os.write(fd, (db_url + "\n").encode())
    os.close(fd)
    port = free_port()
    env = {**os.environ,
           "PATH": os.pathsep.join([str(chp_bin), str(python.parent), os.environ.get("PATH", "")]),
           "WORKBENCH_DB_FILE": str(db_file), "WORKBENCH_HUB_STATE": str(state),
           "WORKBENCH_HUB_ADMIN": ADMIN,
           "WORKBENCH_HUB_BIND": f"http://127.0.0.1:{port}", "WORKBENCH_HUB_PORT": str(free_port()),
           "WORKBENCH_PROXY_API_PORT": str(free_port())}
    for var in ("JUPYTERHUB_USER", "WORKBENCH_USER", "WORKBENCH_IDENTITY", "QUERY_STRING", "WORKBENCH_DB"):
        env.pop(var, None)

    # the guide's account steps: the administrator, then every staff member
    printed = workbench_cli(python, env, "hub", "init")
    passwords = {ADMIN: printed.strip().splitlines()[-1].strip()}
    sheet = tmp / "one-time-passwords.tsv"
    workbench_cli(python, env, "hub", "users", "sync", "--out", str(sheet))
    for line in sheet.read_text().splitlines():
        name, password = line.split("\t")
        passwords[name] = password

    log = tmp / "jupyterhub.log"
    umask = os.umask(0o022)  # the Hub inherits a permissive umask: the config must not care
    try:
        with open(log, "w") as out:
            proc = subprocess.Popen([str(python), "-m", "jupyterhub", "-f", str(SHIPPED_CONFIG)], cwd=state,
                                    env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        os.umask(umask)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/hub/login", proc, log)
        yield {"base": base, "passwords": passwords, "state": state, "db_file": db_file, "log": log,
               "proc": proc, "env": env, "python": python}
    finally:
        stop(proc)
        stop_proxy(state / "jupyterhub-proxy.pid")
        stop_servers_under(state)


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


def stop_servers_under(state: Path) -> None:
    """Servers the Hub left running (it was killed): those whose folder is under ``state``."""
    for pid in server_processes().values():
        with contextlib.suppress(OSError):
            if Path(os.readlink(f"/proc/{pid}/cwd")).is_relative_to(state):
                os.kill(pid, signal.SIGKILL)


def server_processes(hub_name: str | None = None) -> dict[str, int]:
    """Hub user name -> pid of the workbench server the Hub spawned for them (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            if b"workbench.serving.hub" not in cmdline:
                continue
            environ = dict(item.split(b"=", 1) for item in (entry / "environ").read_bytes().split(b"\0")
                           if b"=" in item)
        except OSError:
            continue
        user = environ.get(b"JUPYTERHUB_USER", b"").decode()
        if user and (hub_name is None or user == hub_name):
            found[user] = int(entry.name)
    return found


def server_secret(hub_name: str) -> str:
    """The Hub API token one person's server runs with (from its /proc environment)."""
    pid = server_processes(hub_name)[hub_name]
    for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
        if item.startswith(b"JUPYTERHUB_API_TOKEN="):
            return item.split(b"=", 1)[1].decode()
    raise RuntimeError(f"no Hub token in the environment of {hub_name}'s server")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the Hub (it stops its servers, services and proxy); kill its group if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
