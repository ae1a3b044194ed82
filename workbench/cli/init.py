"""``workbench init``: create or migrate the database and set the practice (name, time zone,
state, main phone, 24/7 line). Imports are lazy: ``--help`` loads nothing heavy.

The settings go through the service (:meth:`workbench.service.Workbench.set_settings`, the one
write path) and its checks (:func:`workbench.validate.practice_settings`). The flags are checked
first, so a bad value leaves no new database and changes no setting.
"""

from __future__ import annotations

import argparse

from .common import create_db, db_arg
from ..errors import InvalidInput, WorkbenchError

#: (option, settings key): the flags that set the practice.
SETTING_FLAGS = (("--practice-name", "name"), ("--timezone", "timezone"), ("--state", "state"),
                 ("--practice-phone", "phone"), ("--after-hours-phone", "after_hours_phone"))
_FLAG_OF = {key: flag for flag, key in SETTING_FLAGS}


def add_init_command(sub) -> None:
    p = sub.add_parser("init", help="create or migrate a database", description="Create the "
                       "database (or migrate it to the current schema) and set the practice. Only "
                       "the settings given change; the others keep their values. A bad value is "
                       "refused before anything is created or changed.")
    db_arg(p)
    p.add_argument("--timezone", default=None, help="practice time zone (IANA name), e.g. America/Chicago: "
                   "months are calendar months there")
    p.add_argument("--state", default=None, help="practice state, two letters (e.g. NY)")
    p.add_argument("--practice-name", "--name", dest="name", default=None, metavar="NAME",
                   help="practice name, as the patient copy prints it")
    p.add_argument("--practice-phone", dest="phone", default=None, metavar="NUMBER",
                   help="the practice's main number, e.g. '(518) 555-0100' (7 to 15 digits; an "
                   "extension such as 'ext. 12' may follow); '' clears it")
    p.add_argument("--after-hours-phone", dest="after_hours_phone", default=None, metavar="NUMBER",
                   help="the 24/7 line: a care-team member who can see the care plan, day or night "
                   "(the patient copy prints it under 'whom to call'); '' clears it")
    p.add_argument("--approval", choices=["on", "off"], default=None, help="time approval and claim "
                   "sign-off before a claim is ready (docs/billing-approval.md); default: on for a new "
                   "database, unchanged for an existing one")
    p.add_argument("--roles", action="store_true", help="PostgreSQL: also create the app role "
                   "ccm_app (SELECT, INSERT; UPDATE on users/settings) and ccm_readonly (SELECT)")
    p.set_defaults(func=cmd_init)


def given_settings(args: argparse.Namespace) -> dict[str, str]:
    """The settings the command line gives (a flag left out is None and keeps the stored value)."""
    return {key: getattr(args, key) for _flag, key in SETTING_FLAGS if getattr(args, key, None) is not None}


def check_settings(given: dict[str, str]) -> None:
    """Refuse bad flag values before anything is created, each named by its flag."""
    from dataclasses import replace

    from .. import records as r
    from .. import validate as v

    try:
        v.practice_settings(replace(r.PracticeSettings(), **given))
    except InvalidInput as err:
        items = getattr(err, "items", [err])
        raise WorkbenchError("; ".join(f"{_FLAG_OF.get(e.field, e.field)}: {str(e).rstrip('.')}"
                                       for e in items) + ". Nothing was created or changed.") from None


def cmd_init(args) -> int:
    from dataclasses import replace

    given = given_settings(args)
    if given:
        check_settings(given)
    wb = create_db(args)
    if getattr(args, "roles", False):
        from ..store.roles import APP_ROLE, READONLY_ROLE, create_roles

        create_roles(wb.engine)
        print(f"Roles ready: {APP_ROLE} (the app), {READONLY_ROLE} (worksheets)")
    if given:
        wb.set_settings(replace(wb.settings, **given))
    approval = getattr(args, "approval", None)
    if approval is None and not wb.setting_stored("approval_required") and wb.count("patients") == 0:
        approval = "on"  # a new practice's claims wait for approval and signature
    if approval is not None:
        wb.set_approval_required(approval == "on")
    st = wb.settings
    print(f"Database ready: {wb.engine.url.render_as_string(hide_password=True)}")
    print(f"Practice: {st.name}, {st.state}, time zone {st.timezone}")
    print(f"Practice phone: {st.phone or 'not set (--practice-phone)'}; 24/7 line: "
          f"{st.after_hours_phone or 'not set (--after-hours-phone): the patient copy is not printed until both are set'}")
    print(f"Time approval and claim sign-off: {'on' if wb.approval_required else 'off'} (--approval)")
    return 0
