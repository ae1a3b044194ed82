"""Who is working, and what the page was asked for.

- Under JupyterHub the staff id is the Hub user (``JUPYTERHUB_USER``).
- Otherwise ``WORKBENCH_USER`` (a single-user install), or the ``user`` query parameter the
  demo's own links carry, or a sign-in picker (a dropdown of ``wb.users()``).
- Voila gives the kernel the page's query string as the ``QUERY_STRING`` environment variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode

import ipywidgets as w

from workbench import records as r
from workbench.errors import NotFound, PermissionDenied, WorkbenchError
from workbench.service.policy import view_roles
from workbench.service import Workbench

from .html import esc, message

#: Roles that may open each view: derived from the service's policy table (workbench.service.policy).
VIEW_ROLES: dict[str, frozenset[r.Role]] = view_roles()


def query_params(query_string: str | None = None) -> dict[str, str]:
    """The page's query parameters (first value of each), from ``QUERY_STRING`` by default."""
    qs = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    return {k: v[0] for k, v in parse_qs(qs.lstrip("?"), keep_blank_values=False).items() if v}


def signed_in_id(params: dict[str, str] | None = None) -> str | None:
    """The staff id from the server's identity source (:mod:`workbench.ui.identity`): the Hub user,
    the single ``--user``, or, for the demo only, the page URL; None asks the demo picker.
    Raises PermissionDenied when the server promised an identity and none arrived."""
    from workbench.ui.identity import signed_in

    return signed_in(query_params() if params is None else params)


def link(page: str, user: r.User | None = None, **params: str) -> str:
    """A relative link to another app page carrying the demo's signed-in user (when not from the Hub)."""
    if user is not None and not os.environ.get("JUPYTERHUB_USER") and not os.environ.get("WORKBENCH_USER"):
        params = {"user": user.id, **params}
    return f"{page}?{urlencode(params)}" if params else page


def check_role(user: r.User, view: str) -> None:
    """Raise PermissionDenied when ``user``'s role may not open ``view``."""
    allowed = VIEW_ROLES[view]
    if user.role not in allowed:
        names = ", ".join(sorted(x.value.replace("_", " ") for x in allowed))
        raise PermissionDenied(f"This page is for {names}. You are signed in as "
                               f"{user.role.value.replace('_', ' ')}.")


class SignIn(w.VBox):
    """The demo's sign-in picker: choose a staff member, see role and credential, sign in."""

    def __init__(self, wb: Workbench, on_sign_in: Callable[[Workbench], None]):
        self._wb = wb
        self._on_sign_in = on_sign_in
        users = wb.users()
        self.picker = w.Dropdown(options=[(u.label, u.id) for u in users], description="Staff",
                                 layout=w.Layout(width="420px"))
        self.picker.add_class("ccm-signin-picker")
        self.detail = w.HTML()
        self.button = w.Button(description="Sign in", button_style="primary", icon="sign-in-alt")
        self.button.add_class("ccm-signin-button")
        self.msg = w.HTML()
        self.picker.observe(lambda _: self._show(), "value")
        self.button.on_click(lambda _: self.sign_in())
        self._show()
        intro = w.HTML('<div class="ccm-section-title">Sign in (demo)</div><div class="ccm-demo-label">'
                       '<b>Demo sign-in, no passwords:</b> anyone here may pick any staff member. '
                       'The team deployment signs people in through JupyterHub instead.</div>')
        super().__init__([intro, self.picker, self.detail, self.button, self.msg])
        self.add_class("ccm-signin")
        if not users:
            self.msg.value = message("No staff are set up yet: load a panel first "
                                     "(workbench demo).", "warn")
            self.button.disabled = True

    def _show(self) -> None:
        if self.picker.value is None:
            self.detail.value = ""
            return
        u = self._wb.get_user(self.picker.value)
        self.detail.value = (f"<div>Role: <b>{esc(u.role.value.replace('_', ' '))}</b> &middot; "
                             f"Credential: <b>{esc(u.credential or 'none')}</b></div>")

    def sign_in(self) -> Workbench | None:
        if self.picker.value is None:
            return None
        try:
            wb = self._wb.as_user(self.picker.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self._on_sign_in(wb)
        return wb


def open_as(db=None, user_id: str | None = None, clock=None) -> tuple[Workbench, str | None]:
    """Open the service; sign in ``user_id`` when it names a staff member.

    Returns the service and an error text (the id is unknown) or None.
    """
    base = Workbench.open(db, clock=clock)
    if not user_id:
        return base, None
    try:
        return base.as_user(user_id), None
    except NotFound:
        return base, f"'{user_id}' is not a staff member here: choose who is working."
