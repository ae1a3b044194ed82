"""The Hub's accounts without a Hub: hashes, the one-time-password flow, lockout, the password
rule, the `workbench hub` commands, and what the shipped config sets (loaded as JupyterHub loads it)."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.serving.hub_accounts import (
    AccountStore,
    PasswordRefused,
    WorkbenchAuthenticator,
    check_new_password,
    hash_password,
    password_matches,
)

ROOT = Path(__file__).resolve().parents[2]


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_a_hash_matches_its_password_and_no_other(password, other):
    stored = hash_password(password)
    assert stored.startswith("scrypt$") and stored != hash_password(password)  # salted
    assert password_matches(password, stored)
    assert password_matches(other, stored) == (other == password)


@pytest.mark.parametrize("stored", ["", "plain", "md5$1$2$3$x$y", "scrypt$a$b$c$d$e", "scrypt$16384$8$1$!!$!!"])
def test_a_damaged_hash_matches_nothing(stored):
    assert password_matches("anything", stored) is False


@pytest.mark.parametrize("name,new,again,words", [
    ("tr01", "short", "short", "at least 12"),
    ("tr01", "my-tr01-password", "my-tr01-password", "does not contain your user name"),
    ("tr01", "a-long-enough-one", "a-long-enough-two", "not the same"),
])
def test_new_passwords_the_rule_refuses(name, new, again, words):
    with pytest.raises(PasswordRefused, match=words):
        check_new_password(name, new, again)


def test_check_ok_change_wrong_and_locked(tmp_path):
    store = AccountStore(tmp_path / "hub" / "accounts.sqlite")
    store.set_password("SV01", "one-time-pass-1", must_change=True)
    assert store.names() == {"sv01"}
    assert store.check("sv01", "one-time-pass-1") == "change"
    assert store.check("SV01", "wrong") == "wrong"
    assert store.check("nobody", "one-time-pass-1") == "wrong"
    store.set_password("sv01", "my-own-password", must_change=False)
    assert store.check("sv01", "one-time-pass-1") == "wrong"
    assert store.check("sv01", "my-own-password") == "ok"  # a right password clears the count
    assert [store.check("sv01", "bad", max_failures=3, lock_seconds=60, now=100.0) for _ in range(3)] == ["wrong"] * 3
    assert store.check("sv01", "my-own-password", max_failures=3, lock_seconds=60, now=130.0) == "locked"
    assert store.check("sv01", "my-own-password", max_failures=3, lock_seconds=60, now=161.0) == "ok"
    assert stat.S_IMODE((tmp_path / "hub" / "accounts.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "hub").stat().st_mode) == 0o700


def _login(auth, data):
    handler = SimpleNamespace()
    return asyncio.run(auth.authenticate(handler, data)), getattr(handler, "ccm_password_change", None)


def test_the_authenticator_asks_for_a_new_password_after_a_one_time_password(tmp_path):
    auth = WorkbenchAuthenticator(accounts_file=str(tmp_path / "accounts.sqlite"))
    auth.store.set_password("cm01", "one-time-pass-1", must_change=True)
    assert _login(auth, {"username": "CM01", "password": "one-time-pass-1"})[0] is None
    assert "one-time password" in _login(auth, {"username": "cm01", "password": "one-time-pass-1"})[1]
    name, why = _login(auth, {"username": "cm01", "password": "one-time-pass-1",
                              "new_password": "one-time-pass-1", "new_password_again": "one-time-pass-1"})
    assert name is None and "not the one-time password" in why
    name, why = _login(auth, {"username": "cm01", "password": "wrong", "new_password": "x" * 20,
                              "new_password_again": "x" * 20})
    assert name is None and why is None  # a wrong one-time password changes nothing
    assert _login(auth, {"username": "cm01", "password": "one-time-pass-1", "new_password": "a-new-secret-1",
                         "new_password_again": "a-new-secret-1"}) == ("cm01", None)
    assert _login(auth, {"username": "cm01", "password": "a-new-secret-1"}) == ("cm01", None)
    assert auth.check_allowed("cm01") and not auth.check_allowed("sv01")
    assert [h[0] for h in auth.get_handlers(None)] == [r"/login"]  # no sign-up page


def workbench(*args, env=None, stdin=None):
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, input=stdin, check=False)


def test_hub_init_prints_a_one_time_password_once_and_sync_makes_staff_accounts(tmp_path):
    from workbench import records as r
    from workbench.service import Workbench

    db = f"sqlite:///{tmp_path / 'wb.db'}"
    wb = Workbench.create(db)
    for uid in ("CM01", "SV01"):
        wb.add_user(r.User(uid, f"Person {uid}", r.Role.CARE_MANAGER if uid == "CM01" else r.Role.SUPERVISOR))
    state = tmp_path / "state"
    done = workbench("hub", "init", "--state", str(state), "--admin", "boss")
    assert done.returncode == 0, done.stderr
    password = done.stdout.strip().splitlines()[-1]
    store = AccountStore(state / "accounts.sqlite")
    assert store.check("boss", password) == "change"
    again = workbench("hub", "init", "--state", str(state), "--admin", "boss")
    assert again.returncode == 2 and "exists already" in again.stderr
    given = workbench("hub", "init", "--state", str(state), "--admin", "boss2", "--password-stdin",
                      stdin="short\n")
    assert given.returncode == 2 and "at least 12" in given.stderr and not store.exists("boss2")
    given = workbench("hub", "init", "--state", str(state), "--admin", "boss2", "--password-stdin",
                      stdin="a-chosen-password-9\n")
    assert given.returncode == 0 and "a-chosen-password-9" not in given.stdout
    assert store.check("boss2", "a-chosen-password-9") == "ok"

    sheet = tmp_path / "otp.tsv"
    db_file = tmp_path / "db-url"
    db_file.write_text(db + "\n")
    synced = workbench("hub", "users", "sync", "--state", str(state), "--out", str(sheet),
                       env={"WORKBENCH_DB_FILE": str(db_file), "WORKBENCH_DB": ""})
    assert synced.returncode == 0, synced.stderr
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    rows = dict(line.split("\t") for line in sheet.read_text().splitlines())
    assert set(rows) == {"cm01", "sv01"}
    assert all(store.check(name, pw) == "change" for name, pw in rows.items())
    resync = workbench("hub", "users", "sync", "--state", str(state), "--db", db)
    assert resync.returncode == 0 and resync.stdout == "" and "0 account(s) created, 2 already" in resync.stderr
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


def load_shipped_config(tmp_path, **env) -> tuple:
    """The shipped config as JupyterHub loads it (traitlets' Python config loader), in a child."""
    db_file = tmp_path / "database-url"
    if not db_file.exists():
        fd = os.open(db_file, os.O_CREAT | os.O_WRONLY, 0o600)
        os.write(fd, b"postgresql+psycopg://ccm_app:secret-pw@127.0.0.1/ccm\n")
        os.close(fd)
    code = (
        "import json, sys\n"
        "from traitlets.config.loader import PyFileConfigLoader\n"
        f"cfg = PyFileConfigLoader('jupyterhub_config.py', path={str(ROOT / 'deploy')!r}).load_config()\n"
        "print(json.dumps({'cookie': cfg.JupyterHub.cookie_options if 'cookie_options' in cfg.JupyterHub else None,\n"
        "  'public': cfg.JupyterHub.public_url if 'public_url' in cfg.JupyterHub else None,\n"
        "  'headers': cfg.JupyterHub.tornado_settings.get('headers') if 'tornado_settings' in cfg.JupyterHub else None,\n"
        "  'cmd': cfg.Spawner.cmd, 'env': cfg.Spawner.environment,\n"
        "  'services': [s['name'] for s in cfg.JupyterHub.services],\n"
        "  'auth': cfg.JupyterHub.authenticator_class}))\n")
    full = {**os.environ, "WORKBENCH_DB_FILE": str(db_file), "WORKBENCH_HUB_STATE": str(tmp_path / "state"),
            **env}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, check=False,
                          cwd=tmp_path)
    return done


def test_the_shipped_config_behind_tls_sets_secure_cookies_and_hsts(tmp_path):
    import json

    done = load_shipped_config(tmp_path, WORKBENCH_HUB_PUBLIC_URL="https://ccm.example.org/")
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["cookie"] == {"secure": True, "samesite": "Lax"}
    assert got["public"] == "https://ccm.example.org/"
    assert got["headers"]["Strict-Transport-Security"].startswith("max-age=31536000")
    assert got["cmd"][-3:] == ["workbench.cli", "serve", "--hub"]
    assert got["env"] == {"WORKBENCH_DB_FILE": str(tmp_path / "database-url")}  # its name, not the URL
    assert got["services"] == ["idle-culler"]
    assert got["auth"] == "workbench.serving.hub_accounts.WorkbenchAuthenticator"


def test_the_shipped_config_makes_the_state_private_and_refuses_a_readable_database_file(tmp_path):
    state = tmp_path / "state"
    state.mkdir(mode=0o755)
    (state / "old.log").write_text("x")
    os.chmod(state / "old.log", 0o644)
    assert load_shipped_config(tmp_path).returncode == 0
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "old.log").stat().st_mode) == 0o600
    os.chmod(tmp_path / "database-url", 0o644)
    done = load_shipped_config(tmp_path)
    assert done.returncode != 0 and "can be read by others: chmod 600" in done.stderr
