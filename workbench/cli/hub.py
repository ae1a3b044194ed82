"""``workbench hub init`` and ``workbench hub users sync|reset``: the Hub's accounts, made on the server.

Run them as the service user (``runuser -u ccm -- ...``): the state folder is made 0700 and the
accounts file 0600 whatever the umask. A password is printed once and never stored in clear.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import WorkbenchError

DEFAULT_STATE = "/var/lib/ccm-workbench/hub"


def state_dir(given: str | None) -> Path:
    path = Path(given or os.environ.get("WORKBENCH_HUB_STATE") or DEFAULT_STATE)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _store(args):
    from ..serving.hub_accounts import ACCOUNTS_FILE, AccountStore

    return AccountStore(state_dir(args.state) / ACCOUNTS_FILE)


def _write_secret_lines(lines: list[str], out: str | None) -> None:
    """Passwords to standard output, or to a new file only this user can read."""
    text = "".join(line + "\n" for line in lines)
    if out is None:
        sys.stdout.write(text)
        return
    from ..serving.hub_accounts import secure_file

    path = Path(out)
    if path.exists():
        raise WorkbenchError(f"{out} exists: give a new file name (one-time passwords are never appended).")
    secure_file(path)
    path.write_text(text)
    print(f"One-time passwords written to {out} (readable by this user only). Hand each out, then "
          "delete the file.")


def cmd_hub_init(args) -> int:
    from ..serving.hub_accounts import (
        PasswordRefused,
        check_new_password,
        one_time_password,
    )

    store = _store(args)
    admin = args.admin.lower()
    if store.exists(admin) and not args.reset:
        raise WorkbenchError(f"The administrator account {admin} exists already "
                             "(--reset gives it a new password).")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        try:
            check_new_password(admin, password)
        except PasswordRefused as err:
            raise WorkbenchError(str(err)) from None
        store.set_password(admin, password, must_change=False)
        print(f"Administrator {admin} created with the password given on standard input.")
        return 0
    password = one_time_password()
    store.set_password(admin, password, must_change=True)
    print(f"Administrator {admin} created. One-time password (shown once; change it at the first "
          f"sign-in):\n{password}")
    return 0


def cmd_hub_users_sync(args) -> int:
    from ..service import Workbench
    from ..serving.hub_accounts import one_time_password
    from .common import resolve_db

    store = _store(args)
    have = store.names()
    staff = sorted(u.id for u in Workbench.open(resolve_db(args.db)).users())
    lower = {}
    for sid in staff:
        if sid.lower() in lower:
            raise WorkbenchError(f"Staff ids {lower[sid.lower()]} and {sid} differ only in case: the Hub "
                                 "cannot tell them apart. Rename one, then sync again.")
        lower[sid.lower()] = sid
    new = [sid for sid in staff if sid.lower() not in have]
    lines = []
    for sid in new:
        password = one_time_password()
        store.set_password(sid, password, must_change=True)
        lines.append(f"{sid.lower()}\t{password}")
    print(f"{len(new)} account(s) created, {len(staff) - len(new)} already there. Each new account "
          "has a one-time password that must be changed at the first sign-in:", file=sys.stderr)
    _write_secret_lines(lines, args.out)
    extra = sorted(have - set(lower) - {a.lower() for a in args.keep})
    if extra:
        print("Accounts with no staff member (the workbench refuses them; `workbench hub users remove "
              "NAME` deletes one): " + ", ".join(extra), file=sys.stderr)
    return 0


def cmd_hub_users_reset(args) -> int:
    from ..serving.hub_accounts import one_time_password

    store = _store(args)
    if not store.exists(args.name):
        raise WorkbenchError(f"No Hub account {args.name.lower()} (workbench hub users sync creates staff accounts).")
    password = one_time_password()
    store.set_password(args.name, password, must_change=True)
    _write_secret_lines([f"{args.name.lower()}\t{password}"], args.out)
    return 0


def cmd_hub_users_remove(args) -> int:
    if not _store(args).remove(args.name):
        raise WorkbenchError(f"No Hub account {args.name.lower()}.")
    print(f"Account {args.name.lower()} removed; it can no longer sign in.")
    return 0


def add_hub_commands(sub) -> None:
    hub = sub.add_parser("hub", help="the team deployment's Hub accounts", description="Accounts for "
                         "the Hub's sign-in (deploy/jupyterhub_config.py). There is no sign-up page: "
                         "accounts are made here, on the server, as the service user.")
    hsub = hub.add_subparsers(dest="hub", metavar="ACTION")
    hsub.required = True

    def state(p):
        p.add_argument("--state", default=None, help="the Hub's state folder (default: WORKBENCH_HUB_STATE "
                       f"or {DEFAULT_STATE})")

    p = hsub.add_parser("init", help="create the Hub administrator", description="Create the Hub's state "
                        "folder (0700) and the administrator account, with a one-time password printed "
                        "once, or the password read from standard input (--password-stdin).")
    state(p)
    p.add_argument("--admin", default=os.environ.get("WORKBENCH_HUB_ADMIN", "hubadmin"),
                   help="the administrator's user name (default: WORKBENCH_HUB_ADMIN or hubadmin)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--reset", action="store_true", help="give an existing administrator a new password")
    p.set_defaults(func=cmd_hub_init)

    users = hsub.add_parser("users", help="staff accounts", description="Staff accounts.")
    usub = users.add_subparsers(dest="users", metavar="ACTION")
    usub.required = True
    p = usub.add_parser("sync", help="create an account for every staff member",
                        description="Create a Hub account for every staff member of the database who "
                        "has none, each with a one-time password (printed once, or written to --out) "
                        "that must be changed at the first sign-in. Existing accounts are kept.")
    state(p)
    p.add_argument("--db", default=None, help="SQLite path or SQLAlchemy URL (default: WORKBENCH_DB, "
                   "or the file named by WORKBENCH_DB_FILE)")
    p.add_argument("--out", default=None, help="write the one-time passwords to this new file (0600)")
    p.add_argument("--keep", action="append", default=[os.environ.get("WORKBENCH_HUB_ADMIN", "hubadmin")],
                   help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_hub_users_sync)
    p = usub.add_parser("reset", help="a new one-time password for one account",
                        description="Give one account a new one-time password (and unlock it).")
    state(p)
    p.add_argument("name", help="the account (staff id or administrator)")
    p.add_argument("--out", default=None, help="write the password to this new file (0600)")
    p.set_defaults(func=cmd_hub_users_reset)
    p = usub.add_parser("remove", help="delete one account", description="Delete one Hub account.")
    state(p)
    p.add_argument("name", help="the account")
    p.set_defaults(func=cmd_hub_users_remove)
