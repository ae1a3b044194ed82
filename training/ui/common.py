"""What the training pages share: who may open them, the scenario library, a little CSS.

Roles (architecture, "Identity and roles"): trainees play, and care staff may practise;
only a supervisor opens the dashboard, overrides scores and releases feedback.
"""

from __future__ import annotations

from functools import lru_cache

from workbench import records as r
from workbench.ui.session import VIEW_ROLES
from workbench.errors import PermissionDenied

from training.library import load_library
from training.scenario import Scenario

#: Who may open each training page.
#: Who may open the training pages: the same table the app shell checks.
TRAINING_ROLES: dict[str, frozenset[r.Role]] = {k: VIEW_ROLES[k] for k in ("trainee", "supervisor")}


def check_training_role(user: r.User, page: str) -> None:
    """Raise PermissionDenied when ``user`` may not open the training ``page``."""
    allowed = TRAINING_ROLES[page]
    if user.role not in allowed:
        names = ", ".join(sorted(x.value.replace("_", " ") for x in allowed))
        raise PermissionDenied(f"This training page is for {names}. You are signed in as "
                               f"{user.role.value.replace('_', ' ')}.")


@lru_cache(maxsize=1)
def _library() -> dict[str, Scenario]:
    return load_library()


def library() -> dict[str, Scenario]:
    """The shipped scenario library by id (read once per kernel)."""
    return dict(_library())


def scene(summary: str) -> str:
    """What the Training page shows of a scenario before it is played: its opening sentence (the
    situation), never the rest of the summary, which says what a good call does."""
    import re

    first = re.split(r"(?<=[.!?])\s+", " ".join(summary.split()), maxsplit=1)[0]
    return re.sub(r",? and (finds|the trainee|you) .*$", ".", first)


def shift_scene(shift) -> str:
    """A shift's card: how many patients and when, not which of them need what."""
    n = len(shift.cases) + shift.panel.count
    return (f"{n} patients on the worklist. Choose whom to call first; messages and results "
            "arrive while you work.")


def sim_time(when, tz=None) -> str:
    """A simulated time as the player shows it, in the practice's time zone when given."""
    if when is None:
        return ""
    return (when.astimezone(tz) if tz is not None else when).strftime("%a %d %b %Y, %H:%M")


TRAINING_STYLE = """
<style>
.trn-scene { font-size:13px; color:#52606d; }
.trn-transcript { background:#fff; border:1px solid #d9e2ec; border-radius:6px; padding:8px 12px;
  max-height:330px; overflow-y:auto; font-size:14px; display:flex; flex-direction:column-reverse; }
.trn-line { margin:5px 0; padding:6px 10px; border-radius:6px; max-width:80%; }
.trn-line b { display:block; font-size:11px; text-transform:uppercase; letter-spacing:.4px; opacity:.75; }
.trn-patient { background:#eef2f7; }
.trn-trainee { background:#dff0e8; margin-left:auto; }
.trn-narrator { background:transparent; font-style:italic; color:#52606d; max-width:100%; }
.trn-clock { font-weight:600; color:#1d4e89; }
.trn-options .widget-button, .trn-options button { height:auto !important; min-height:32px;
  white-space:normal; text-align:left; line-height:1.35; padding:6px 10px; }
.trn-met { color:#1e6b3d; font-weight:600; } .trn-not-met { color:#a61b1b; font-weight:600; }
.trn-scenarios td:first-child { font-weight:600; }
.trn-call-dock { gap:10px; }
/* position:sticky sticks to the nearest scrolling ancestor: the boxes between the call pane and
   the page's scroller must not scroll themselves (widget boxes default to overflow:auto) */
.trn-call-dock, .trn-work, .trn-player, .trn-home, .ccm-stage, .ccm-body { overflow:visible !important; }
.trn-call-pane { position:sticky; top:200px; align-self:flex-start; max-height:calc(100vh - 210px);
  overflow-y:auto; background:#f8fafc; border:1px solid #d9e2ec; border-radius:8px; padding:6px; }
.trn-call-pane .trn-transcript { max-height:32vh; }
.trn-call-pane > *, .trn-call-pane .widget-vbox > * { flex-shrink:0; }
.trn-work-bar { border:2px solid #1d4e89; border-radius:6px; }
</style>
"""
