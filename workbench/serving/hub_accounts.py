"""Hub accounts nobody can claim: the workbench's own JupyterHub authenticator.

There is no sign-up page. Accounts exist only because an administrator made them on the server:

- ``workbench hub init`` creates the Hub administrator (a password printed once, or read from
  standard input);
- ``workbench hub users sync`` creates one account per staff member of the workbench database,
  each with a one-time password that must be changed at the first sign-in.

Accounts live in ``accounts.sqlite`` in the Hub's state folder (mode 0600, folder 0700), apart
from the Hub's own database. Passwords are stored as scrypt hashes (Python's ``hashlib.scrypt``)
with a salt each; after ``allowed_failed_logins`` wrong passwords in a row the account is locked
for ``seconds_before_next_try`` seconds. Built on JupyterHub's ``Authenticator`` and its own
``LoginHandler`` (the same on JupyterHub 5 and 6): the login form is JupyterHub's; when the
password typed is a one-time password, the same form comes back asking for a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from contextlib import closing
from pathlib import Path

ACCOUNTS_FILE = "accounts.sqlite"
MIN_LENGTH = 12
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}

CHANGE_FIRST = ("This was a one-time password. Type it again, then choose your own password "
                f"(at least {MIN_LENGTH} characters) to continue.")


class PasswordRefused(ValueError):
    """A new password that the policy refuses; the message is a sentence for the person."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    enc = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${enc(salt).decode()}${enc(digest).decode()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def check_new_password(name: str, password: str, again: str | None = None) -> None:
    """Refuse a new password that is short, names the account, or was typed differently twice."""
    if again is not None and password != again:
        raise PasswordRefused("The two new passwords are not the same. Type the new password twice.")
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"Choose a password of at least {MIN_LENGTH} characters.")
    if name.casefold() in password.casefold():
        raise PasswordRefused("Choose a password that does not contain your user name.")


def one_time_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters


def secure_file(path: Path) -> None:
    """Create ``path`` (if missing) readable and writable by this user only, whatever the umask."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class AccountStore:
    """The Hub's accounts: name (lower case), scrypt hash, must-change flag, failed-login count."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def _db(self) -> sqlite3.Connection:
        if not self.path.exists():
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            secure_file(self.path)
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        con.execute("CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY, hash TEXT NOT NULL, "
                    "must_change INTEGER NOT NULL, failed INTEGER NOT NULL DEFAULT 0, "
                    "locked_until REAL NOT NULL DEFAULT 0, created REAL NOT NULL)")
        return con

    def names(self) -> set[str]:
        with closing(self._db()) as con:
            return {row[0] for row in con.execute("SELECT name FROM accounts")}

    def exists(self, name: str) -> bool:
        return name.lower() in self.names()

    def set_password(self, name: str, password: str, must_change: bool) -> None:
        """Create the account, or give it a new password (and unlock it)."""
        with closing(self._db()) as con:
            con.execute("INSERT INTO accounts (name, hash, must_change, created) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT(name) DO UPDATE SET hash=excluded.hash, must_change=excluded.must_change, "
                        "failed=0, locked_until=0",
                        (name.lower(), hash_password(password), int(must_change), time.time()))

    def remove(self, name: str) -> bool:
        with closing(self._db()) as con:
            return con.execute("DELETE FROM accounts WHERE name = ?", (name.lower(),)).rowcount == 1

    def check(self, name: str, password: str, max_failures: int = 5, lock_seconds: float = 300,
              now: float | None = None) -> str:
        """``"ok"``, ``"change"`` (right one-time password), ``"locked"`` or ``"wrong"``."""
        now = time.time() if now is None else now
        with closing(self._db()) as con:
            row = con.execute("SELECT hash, must_change, failed, locked_until FROM accounts WHERE name = ?",
                              (name.lower(),)).fetchone()
            if row is None:
                hash_password(password)  # the same work whether or not the name exists
                return "wrong"
            stored, must_change, failed, locked_until = row
            if locked_until > now:
                return "locked"
            if not password_matches(password, stored):
                failed += 1
                locked = now + lock_seconds if failed >= max_failures else 0
                con.execute("UPDATE accounts SET failed = ?, locked_until = ? WHERE name = ?",
                            (0 if locked else failed, locked, name.lower()))
                return "wrong"
            con.execute("UPDATE accounts SET failed = 0, locked_until = 0 WHERE name = ?", (name.lower(),))
            return "change" if must_change else "ok"


# ---------------------------------------------------------------- the JupyterHub side
try:  # the Hub imports this module; the CLI's ``workbench hub`` commands do not need JupyterHub
    from jupyterhub.auth import Authenticator
    from jupyterhub.handlers.login import LoginHandler
    from tornado.httputil import url_concat
    from traitlets import Integer, Unicode
except ImportError:  # pragma: no cover - without the hub extra only the store is usable
    Authenticator = LoginHandler = None

if Authenticator is not None:

    #: JupyterHub's own login form, with the new-password fields added for a one-time password.
    CHANGE_FORM = """{% extends "login.html" %}
{% block password_input %}
  <label for="password_input">One-time password:</label>
  <input id="password_input" type="password" class="form-control" autocomplete="current-password"
         name="password" />
  <label for="new_password_input">New password:</label>
  <input id="new_password_input" type="password" class="form-control" autocomplete="new-password"
         name="new_password" />
  <label for="new_password_again_input">New password again:</label>
  <input id="new_password_again_input" type="password" class="form-control" autocomplete="new-password"
         name="new_password_again" />
{% endblock password_input %}
"""

    class WorkbenchLoginHandler(LoginHandler):
        """JupyterHub's login page; after a right one-time password it asks for a new password."""

        async def _render(self, login_error=None, username=None, **kwargs):
            change = getattr(self, "ccm_password_change", None)
            if change is None:
                return await super()._render(login_error=login_error, username=username, **kwargs)
            self.set_status(200)
            ns = dict(self.template_namespace)
            ns.update(xsrf=self.xsrf_token.decode("ascii"), xsrf_token=self.xsrf_token.decode("ascii"),
                      username=username, login_error=change, custom_html="",
                      authenticator=self.authenticator, next=self.get_argument("next", default=""),
                      authenticator_login_url=url_concat(self.authenticator.login_url(self.hub.base_url),
                                                         {"next": self.get_argument("next", "")}),
                      login_url=self.settings["login_url"])
            template = self.settings["jinja2_env"].from_string(CHANGE_FORM)
            return await template.render_async(**ns)

    class WorkbenchAuthenticator(Authenticator):
        """Accounts made on the server only (no sign-up); one-time passwords changed at first use."""

        accounts_file = Unicode(config=True, help="The accounts database (accounts.sqlite in the "
                                "Hub's state folder); made by `workbench hub init`.")
        allowed_failed_logins = Integer(5, config=True, help="Wrong passwords in a row before the "
                                        "account is locked for seconds_before_next_try.")
        seconds_before_next_try = Integer(300, config=True, help="How long a locked account stays locked.")

        @property
        def store(self) -> AccountStore:
            return AccountStore(self.accounts_file)

        async def authenticate(self, handler, data):
            name = self.normalize_username((data or {}).get("username", "") or "")
            password = (data or {}).get("password", "") or ""
            if not name or not password:
                return None
            result = self.store.check(name, password, self.allowed_failed_logins, self.seconds_before_next_try)
            if result == "locked":
                self.log.warning("Sign-in refused: account %s is locked after failed attempts", name)
                return None
            if result == "wrong":
                return None
            if result == "change":
                new = data.get("new_password") or ""
                if not new:
                    handler.ccm_password_change = CHANGE_FIRST
                    return None
                try:
                    check_new_password(name, new, data.get("new_password_again"))
                    if new == password:
                        raise PasswordRefused("Choose a new password, not the one-time password.")
                except PasswordRefused as err:
                    handler.ccm_password_change = str(err)
                    return None
                self.store.set_password(name, new, must_change=False)
                self.log.info("Account %s chose its own password", name)
            return name

        def check_allowed(self, username, authentication=None):
            return self.store.exists(username)

        def get_handlers(self, app):
            return [(r"/login", WorkbenchLoginHandler)]
