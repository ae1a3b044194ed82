"""The team deployment as shipped: a NEW venv with ``pip install -e '.[hub]'``, the shipped
deploy/jupyterhub_config.py and its authenticator, a throwaway PostgreSQL, Debian's Chromium.

The administrator and three staff sign in through the Hub's real login form (one-time passwords
changed at the first sign-in); nobody can sign up or claim an account; the Hub's state folder is
private and holds no database password; each person gets their own server process, and killing
one person's server leaves another's open chart and running timer working.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import time
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hub_browser import app, open_own_workbench, sign_in
from hub_helpers import ADMIN, ROOT, installed_versions, server_processes
from training_ui_helpers import SUPERVISOR, TRAINEE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def care_manager(db: str):
    from workbench.service import Workbench

    return Workbench.open(db).users("care_manager")[0]


def hub_extra() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["hub"]


def test_pip_resolves_versions_inside_the_bounds_and_the_hub_runs_the_shipped_authenticator(hub):
    from packaging.requirements import Requirement

    versions = installed_versions(hub["python"])
    for line in hub_extra():
        req = Requirement(line)
        assert req.specifier.contains(versions[req.name.lower()]), (req, versions.get(req.name.lower()))
    assert "jupyterhub-nativeauthenticator" not in versions
    log = hub["log"].read_text()
    assert "Using Authenticator: workbench.serving.hub_accounts.WorkbenchAuthenticator" in log
    assert "Using Spawner: workbench.serving.hub_spawner.WorkbenchSpawner" in log


def test_the_administrator_and_three_staff_sign_in_through_the_login_form(browser, hub, team_db):
    base = hub["base"]
    ctx, page = sign_in(browser, hub, ADMIN)
    page.wait_for_url(re.compile(r".*/hub/admin.*"), timeout=60_000)
    ctx.close()

    people = [care_manager(team_db), SUPERVISOR, TRAINEE]
    for person in people:
        ctx, page = open_own_workbench(browser, hub, person.id)
        assert person.name in page.locator(".ccm-who").inner_text()
        ctx.close()
    servers = server_processes()
    pids = [servers[p.id.lower()] for p in people]
    assert len(set(pids)) == 3  # one server process each
    assert ADMIN not in servers  # the administrator has no workbench server

    # the one-time password is spent; the chosen one signs in again
    name = TRAINEE.id.lower()
    again = browser.new_context()
    page = again.new_page()
    page.goto(f"{base}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub["one_time"][name])
    page.click("#login_submit")
    page.wait_for_selector(".login_error:has-text('Invalid username or password')")
    page.fill("#username_input", name)
    page.fill("#password_input", hub["passwords"][name])
    page.click("#login_submit")
    page.wait_for_selector(".ccm-landing", timeout=180_000)
    again.close()


@pytest.mark.parametrize("name", [SUPERVISOR.id, ADMIN])
def test_nobody_can_sign_up_for_a_staff_id_or_the_administrator(browser, hub, name):
    base = hub["base"]
    ctx = browser.new_context()
    req = ctx.request
    req.get(f"{base}/hub/login")
    xsrf = next(c["value"] for c in ctx.cookies() if c["name"] == "_xsrf")
    chosen = "claimed-by-a-stranger-1"
    assert req.get(f"{base}/hub/signup", fail_on_status_code=False).status == 404
    signup = req.post(f"{base}/hub/signup", form={"username": name, "signup_password": chosen,
                                                  "signup_password_confirmation": chosen,
                                                  "password": chosen, "_xsrf": xsrf},
                      fail_on_status_code=False)
    assert signup.status == 404, signup.status
    login = req.post(f"{base}/hub/login", form={"username": name, "password": chosen, "_xsrf": xsrf},
                     fail_on_status_code=False, max_redirects=0)
    assert login.status == 403 and "Invalid username or password" in login.text()
    assert req.get(f"{base}/hub/api/user", fail_on_status_code=False).status == 403  # no session
    assert not [c for c in ctx.cookies() if c["name"].startswith("jupyterhub-session")]
    ctx.close()


def test_five_wrong_passwords_lock_the_account(browser, hub):
    from workbench.serving.hub_accounts import AccountStore

    AccountStore(hub["state"] / "accounts.sqlite").set_password("locktest", "the-right-one-123", False)
    base = hub["base"]
    ctx = browser.new_context()
    ctx.request.get(f"{base}/hub/login")
    xsrf = next(c["value"] for c in ctx.cookies() if c["name"] == "_xsrf")

    def attempt(password):
        return ctx.request.post(f"{base}/hub/login", form={"username": "locktest", "password": password,
                                                           "_xsrf": xsrf},
                                fail_on_status_code=False, max_redirects=0).status

    assert [attempt(f"wrong-{i}") for i in range(5)] == [403] * 5
    assert attempt("the-right-one-123") == 403  # locked, even with the right password
    ctx.close()


def test_the_hub_state_is_private_and_holds_no_database_password(hub, team_db):
    secret = urlparse(team_db).password
    assert secret and len(secret) >= 8
    state: Path = hub["state"]
    entries = list(state.rglob("*"))
    assert {"jupyterhub.sqlite", "accounts.sqlite", "jupyterhub_cookie_secret"} <= {e.name for e in entries}
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    servers = state / "servers"  # each person's server folder: kernels write there as they like
    hubs_own = [e for e in entries if e != servers and not e.is_relative_to(servers)]
    loose = [(str(e), oct(stat.S_IMODE(e.lstat().st_mode))) for e in hubs_own
             if not e.is_symlink() and stat.S_IMODE(e.lstat().st_mode) & 0o077]
    assert loose == []  # the Hub was started with umask 022: the config made them private
    people = [servers, *servers.iterdir()]
    assert len(people) >= 4 and all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in people)
    holding = [str(e) for e in entries if e.is_file() and secret.encode() in e.read_bytes()]
    assert holding == []
    assert secret.encode() not in Path(f"/proc/{hub['proc'].pid}/environ").read_bytes()
    assert stat.S_IMODE(hub["db_file"].stat().st_mode) == 0o600


def test_killing_one_persons_server_leaves_anothers_chart_and_timer_working(browser, hub, team_db):
    from workbench.service import Workbench

    cm = care_manager(team_db)
    patient = Workbench.open(team_db).patients()[0].id
    ctx, page = open_own_workbench(browser, hub, cm.id)
    page.goto(f"{app(hub, cm.id)}/chart.ipynb?patient={patient}")
    page.wait_for_selector(".ccm-chart-header", timeout=180_000)
    page.locator(".ccm-chart-tabs .lm-TabBar-tab").filter(has_text=re.compile("^Time$")).first.click()
    note = "Reviewed home readings while another server died"
    page.locator(".ccm-timer-note input").fill(note)
    page.click(".ccm-timer-start")
    page.wait_for_selector(".ccm-timerbar:has-text('Timer running')")

    trainee_ctx, _ = open_own_workbench(browser, hub, TRAINEE.id)
    before = server_processes()
    victim, survivor = before[TRAINEE.id.lower()], before[cm.id.lower()]
    os.kill(victim, signal.SIGKILL)
    deadline = time.time() + 30
    while Path(f"/proc/{victim}").exists() and time.time() < deadline:
        time.sleep(0.2)
    assert TRAINEE.id.lower() not in server_processes()

    # the care manager's page, kernel and timer carry on
    page.click(".ccm-timer-stop")
    page.wait_for_selector(".ccm-time-msg:has-text('Timer stopped')")
    page.wait_for_selector(f".ccm-time-entries:has-text('{note}')")
    assert server_processes()[cm.id.lower()] == survivor
    entries = [e for e in Workbench.open(team_db).time_entries() if e.note == note]
    assert [e.staff_id for e in entries] == [cm.id]
    trainee_ctx.close()
    ctx.close()
