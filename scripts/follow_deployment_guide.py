#!/usr/bin/env python3
"""Follow docs/deployment.md steps 1 to 9 line by line on this machine, then sign in.

Every shell command of the guide's ``sh`` blocks (and the systemd unit and env file it shows) is
read from the guide itself and run in order, with only these changes, each printed as it happens:

- paths move under ``--prefix`` (``/opt/ccm-workbench`` -> PREFIX/opt/ccm-workbench, the same for
  /etc/ccm-workbench and /var/lib/ccm-workbench), so the machine's own folders are left alone;
- ``git clone <your copy of the repository>`` clones this checkout (its last commit);
- PostgreSQL: a throwaway cluster of its own is started as the postgres user on a free port on
  127.0.0.1 (EMULATED: the machine's own PostgreSQL service, if any, is left alone), and the
  guide's ``psql`` commands and URLs use that port;
- systemd: where it is not running, the unit's ``ExecStart`` is run as its ``User`` with its
  ``EnvironmentFile``, ``WorkingDirectory`` and ``UMask`` (EMULATED, said so);
- nginx: the TLS step is skipped where no certificate exists (SKIPPED, said so); the Hub is then
  reached on 127.0.0.1 without TLS, so ``WORKBENCH_HUB_PUBLIC_URL`` is left out, and the Hub,
  its API and the proxy's API get free loopback ports;
- every command has a time limit (``--timeout``), so a step that waits for the network forever
  stops the walk with the step named.

Then, in Debian's Chromium, the administrator signs in through the Hub's login form with the
one-time password ``hub init`` printed and chooses a password (landing on the Hub's admin page),
and the care manager does the same and opens the worklist in their own workbench server; a
trainee's sign-in (over HTTP) then checks that Jupyter's pages and sign-up are refused, and the
Hub's state folder is checked to be private.

Afterwards everything it made is removed: the prefix, the throwaway cluster, and the ``ccm``
service user when this run created it (``--keep`` keeps them to look at). Run as root on a fresh
Debian 12: ``python3 scripts/follow_deployment_guide.py`` (Playwright is needed for the browser
sign-in: ``pip install playwright``; ``--no-browser`` signs in over HTTP instead).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from deployment_guide_checks import check, say  # step 9: the sign-ins and the refusals (next to this file)

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "deployment.md"
PATHS = ("/opt/ccm-workbench", "/etc/ccm-workbench", "/var/lib/ccm-workbench")
SERVICE_USER = "ccm"


def blocks(guide: str) -> list[tuple[str, str, str]]:
    """(section title, language, body) of every fenced block of steps 1 to 9, in order."""
    out, section = [], ""
    for part in re.split(r"^(## .*)$", guide, flags=re.MULTILINE):
        if part.startswith("## "):
            section = part[3:].strip()
            continue
        if not re.match(r"[1-9]\. ", section):
            continue
        for lang, body in re.findall(r"```(\w*)\n(.*?)```", part, flags=re.DOTALL):
            out.append((section, lang, body))
    return out


def commands(body: str) -> list[str]:
    return [c.strip() for c in body.replace("\\\n", " ").splitlines() if c.strip() and not c.strip().startswith("#")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Machine:
    def __init__(self, prefix: Path, timeout: float = 900):
        self.prefix = prefix
        self.timeout = timeout
        self.made_user = False
        self.cwd = Path("/")
        # a fresh Debian root shell: Debian's PATH (so `python3` is /usr/bin/python3, which the
        # service user can run), not whatever the caller's environment had
        self.env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOME": "/root", "LANG": os.environ.get("LANG", "C.UTF-8")}
        self.pg_port = None
        self.pg_dir = None
        self.hub = None
        self.admin_password = None

    def path(self, text: str) -> str:
        for p in PATHS:
            text = text.replace(p, f"{self.prefix}{p}")
        return text

    def run(self, cmd: str, check: bool = True, user: str | None = None, capture: bool = False):
        shown = cmd if user is None else f"runuser -u {user} -- {cmd}"
        say("RUN", shown)
        argv = ["bash", "-c", cmd] if user is None else ["runuser", "-u", user, "--", "bash", "-c", cmd]
        try:
            done = subprocess.run(argv, cwd=self.cwd, env=self.env, text=True, check=False,
                                  capture_output=capture, timeout=self.timeout, start_new_session=True)
        except subprocess.TimeoutExpired:
            raise SystemExit(f"stopped after {self.timeout:.0f} s (--timeout): {shown}") from None
        if check and done.returncode != 0:
            raise SystemExit(f"failed ({done.returncode}): {shown}\n{done.stdout or ''}{done.stderr or ''}")
        return done

    # ---- emulations
    def postgres(self) -> None:
        if self.pg_dir is not None:
            return
        pg = max(Path("/usr/lib/postgresql").glob("*/bin"))
        self.pg_dir = Path(tempfile.mkdtemp(prefix="ccm-guide-pg-"))
        shutil.chown(self.pg_dir, "postgres")
        self.pg_port = free_port()
        say("EMULATED", f"PostgreSQL: a throwaway cluster on 127.0.0.1:{self.pg_port} (the machine's own "
                        "service, if any, is left alone)")
        subprocess.run(["runuser", "-u", "postgres", "--", f"{pg}/initdb", "-D", f"{self.pg_dir}/data",
                        "-A", "trust", "-U", "postgres"], check=True, capture_output=True)
        subprocess.run(["runuser", "-u", "postgres", "--", f"{pg}/pg_ctl", "-D", f"{self.pg_dir}/data", "-l",
                        f"{self.pg_dir}/log", "-w", "-o",
                        f"-k {self.pg_dir} -p {self.pg_port} -c listen_addresses=127.0.0.1", "start"],
                       check=True, capture_output=True)
        self.env.update(PGHOST=str(self.pg_dir), PGPORT=str(self.pg_port))

    def pg_url(self, text: str) -> str:
        return text if self.pg_port is None else text.replace("@127.0.0.1/", f"@127.0.0.1:{self.pg_port}/")

    def stop(self) -> None:
        if self.hub is not None and self.hub.poll() is None:
            self.hub.send_signal(signal.SIGTERM)
            try:
                self.hub.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.hub.pid, signal.SIGKILL)
        stop_servers_of(self.prefix)
        if self.pg_dir is not None:
            pg = max(Path("/usr/lib/postgresql").glob("*/bin"))
            subprocess.run(["runuser", "-u", "postgres", "--", f"{pg}/pg_ctl", "-D", f"{self.pg_dir}/data",
                            "-m", "fast", "stop"], check=False, capture_output=True)

    def clean(self) -> None:
        """Remove what the walk made: the service user (if this run made it), the cluster, the prefix."""
        if self.made_user:
            subprocess.run(["userdel", SERVICE_USER], check=False, capture_output=True)
            say("CLEANED", f"the {SERVICE_USER} user this run created")
        for folder in (self.pg_dir, self.prefix):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
                say("CLEANED", str(folder))


def stop_servers_of(prefix: Path) -> None:
    """Anything left running from the prefix (a Hub killed before it stopped its servers)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(os.readlink(entry / "cwd")).is_relative_to(prefix) and int(entry.name) != os.getpid():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def follow(m: Machine, apt: bool) -> dict[str, str]:
    guide = GUIDE.read_text()
    unit, env_file, staff_csv_needed = None, None, True
    for section, lang, body in blocks(guide):
        say("STEP", section)
        if section.startswith("8.") and lang == "nginx":
            say("SKIPPED", "nginx and TLS (step 8): no certificate here; the Hub is reached on 127.0.0.1")
            continue
        if lang == "ini":
            unit = body
            continue
        if lang == "sh" and body.lstrip().startswith("WORKBENCH_"):
            env_file = body  # the settings file's content (step 5)
            target = Path(m.path("/etc/ccm-workbench/env"))
            lines = [m.path(line) for line in body.splitlines()
                     if not line.startswith("WORKBENCH_HUB_PUBLIC_URL")]
            say("WRITE", f"{target} (WORKBENCH_HUB_PUBLIC_URL left out: no TLS in front here)")
            ports = (f"WORKBENCH_HUB_BIND=http://127.0.0.1:{m.hub_port}\nWORKBENCH_HUB_PORT={free_port()}\n"
                     f"WORKBENCH_PROXY_API_PORT={free_port()}\n")
            say("EMULATED", "free loopback ports for the Hub, its API and the proxy's API (this machine is shared)")
            target.write_text("\n".join(lines) + "\n" + ports)
            continue
        if lang not in ("sh", ""):
            continue
        for cmd in commands(body):
            cmd = m.path(cmd)
            if cmd.startswith(("apt-get", "apt ")):
                if apt:
                    m.run(cmd)
                elif " install " in f" {cmd} ":
                    wanted = [w for w in shlex.split(cmd)[2:] if not w.startswith("-")]
                    missing = [p for p in wanted if subprocess.run(
                        ["dpkg", "-s", p], capture_output=True, check=False).returncode != 0]
                    say("CHECKED", f"{cmd}: " + (f"not installed: {' '.join(missing)} (--apt installs them)"
                                                 if missing else "every package is installed"))
                else:
                    say("CHECKED", f"{cmd}: left to --apt")
                continue
            if "useradd" in cmd:
                existed = subprocess.run(["id", SERVICE_USER], capture_output=True, check=False).returncode == 0
                m.run(cmd)
                if existed:
                    home = m.path("/var/lib/ccm-workbench")
                    say("CHECKED", f"user {SERVICE_USER} exists already (kept as it is): its home {home} is made "
                                   "as useradd would")
                    subprocess.run(["install", "-d", "-o", SERVICE_USER, "-g", SERVICE_USER, "-m", "0755", home],
                                   check=True)
                else:
                    m.made_user = True
                continue
            if cmd.startswith("git clone"):
                m.run(cmd.replace("<your copy of the repository>", shlex.quote(str(ROOT))))
                continue
            if "pytest tests/deploy" in cmd:
                say("SKIPPED", f"{cmd}: the automated checks are the project's own test suite, run apart")
                continue
            if cmd.startswith("cd "):
                m.cwd = Path(shlex.split(cmd)[1])
                continue
            if cmd.startswith("runuser -u postgres -- psql"):
                m.postgres()
                m.run(cmd)
                continue
            if cmd.startswith("OWNER="):
                m.env["OWNER"] = m.pg_url(shlex.split(cmd)[0].split("=", 1)[1])
                say("SET", "OWNER (the owner role's URL)")
                continue
            if "workbench import staff staff.csv" in cmd and staff_csv_needed:
                sample = m.cwd / "staff.csv"
                sample.write_text("staff_id,name,role,credential,state\nCM01,Cara Manager,care_manager,RN,NY\n"
                                  "SV01,Sam Supervisor,supervisor,RN,NY\nTR01,Tara Trainee,trainee,CMA,NY\n")
                say("INPUT", f"{sample}: three staff (the guide's staff.csv is the practice's own)")
                staff_csv_needed = False
            if cmd.startswith("echo 'postgresql"):
                cmd = m.pg_url(cmd)
            if cmd.startswith(("systemctl", "journalctl")):
                if shutil.which("systemctl") and Path("/run/systemd/system").exists():
                    m.run(cmd)
                elif cmd.startswith("systemctl daemon-reload"):
                    start_hub(m, unit)
                else:
                    say("EMULATED", f"{cmd}: no systemd here (the Hub runs as the unit says)")
                continue
            if "workbench hub init" in cmd:
                out = m.run(cmd, capture=True).stdout
                print(out.replace(out.strip().splitlines()[-1], "<the one-time password>"), end="")
                m.admin_password = out.strip().splitlines()[-1].strip()
                continue
            m.run(cmd)
    return {"unit": unit or "", "env": env_file or ""}


def start_hub(m: Machine, unit: str | None) -> None:
    """What systemd would do with the guide's unit: User, UMask, EnvironmentFile, WorkingDirectory."""
    if not unit:
        raise SystemExit("the guide's systemd unit was not found before `systemctl daemon-reload`")
    keys = dict(re.findall(r"^(\w+)=(.*)$", unit, flags=re.MULTILINE))
    say("EMULATED", f"systemd: ExecStart as {keys['User']} with UMask={keys['UMask']} in {keys['WorkingDirectory']}")
    env = {"LANG": "C.UTF-8"}
    for line in Path(m.path(keys["EnvironmentFile"])).read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v
    workdir = m.path(keys["WorkingDirectory"])
    subprocess.run(["install", "-d", "-m", "0700", "-o", keys["User"], "-g", keys["User"], workdir], check=True)
    script = (f"umask {keys['UMask']}; cd {shlex.quote(workdir)}; exec env -i "
              + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + " " + m.path(keys["ExecStart"]))
    log = open(Path(workdir).parent / "hub.log", "w")  # noqa: SIM115 - open for the Hub's lifetime
    m.hub = subprocess.Popen(["runuser", "-u", keys["User"], "--", "bash", "-c", script], stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{m.hub_port}"
    for _ in range(360):
        try:
            urllib.request.urlopen(f"{base}/hub/login", timeout=3)
            say("UP", f"the Hub answers at {base}/hub/login")
            return
        except OSError:
            if m.hub.poll() is not None:
                raise SystemExit(f"the Hub exited:\n{(Path(workdir).parent / 'hub.log').read_text()[-3000:]}") from None
            time.sleep(0.5)
    raise SystemExit("the Hub did not answer in 3 minutes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Follow docs/deployment.md steps 1-9 line by line "
                                     "(paths under --prefix), then sign in through the Hub's login form.")
    parser.add_argument("--prefix", default=None, help="where /opt, /etc and /var/lib of the guide go "
                        "(default: a new temporary folder)")
    parser.add_argument("--apt", action="store_true", help="run the guide's apt-get lines too")
    parser.add_argument("--keep", action="store_true", help="keep the prefix, the throwaway PostgreSQL "
                        "folder and the service user afterwards (default: remove what this run made)")
    parser.add_argument("--no-browser", action="store_true", help="sign in over HTTP, not in Chromium")
    parser.add_argument("--timeout", type=float, default=900, help="seconds any one command of the guide "
                        "may take (default 900)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("Run as root, as the guide does.")
    if not args.no_browser:
        try:
            import playwright  # noqa: F401
        except ImportError:
            raise SystemExit("The browser sign-in needs Playwright (pip install playwright) and Debian's "
                             "chromium; or pass --no-browser.") from None
    prefix = Path(args.prefix or tempfile.mkdtemp(prefix="ccm-guide-")).resolve()
    closed = [p for p in prefix.parents if p.exists() and not p.stat().st_mode & 0o001]
    if closed:
        raise SystemExit(f"{closed[0]} is closed to other users: the service user could not reach the "
                         "prefix inside it. Choose a --prefix under a folder others may enter (e.g. /tmp).")
    for p in PATHS[1:]:
        Path(f"{prefix}{p}").parent.mkdir(parents=True, exist_ok=True)
    Path(f"{prefix}/opt").mkdir(parents=True, exist_ok=True)
    os.chmod(prefix, 0o755)
    m = Machine(prefix, args.timeout)
    m.hub_port = free_port()
    try:
        follow(m, args.apt)
        if m.hub is None:
            raise SystemExit("the guide never started the Hub")
        check(m, browser=not args.no_browser)
        say("DONE", f"docs/deployment.md steps 1-9 followed under {prefix}")
    finally:
        m.stop()
        if args.keep:
            say("KEPT", f"{prefix}" + (f", {m.pg_dir}" if m.pg_dir else "")
                + (f", the {SERVICE_USER} user" if m.made_user else ""))
        else:
            m.clean()
    return 0


if __name__ == "__main__":
    sys.exit(main())
