"""Step 9 of docs/deployment.md, checked by scripts/follow_deployment_guide.py once the guide's
commands have run: the administrator and a care manager sign in through the Hub's login form in
Chromium (one-time password, then their own), the care manager reaches their own workbench server
and opens the worklist; a trainee signed in over HTTP is refused Jupyter's pages, the APIs,
sign-up and another person's server; the Hub's state folder is private.

``m`` is the walk's ``Machine`` (its ``path()``, ``hub_port`` and ``admin_password``)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
Machine = Any  #: follow_deployment_guide.Machine (not imported: that script imports this module)


def say(kind: str, text: str) -> None:
    print(f"[{kind}] {text}", flush=True)


def sign_in(base: str, name: str, password: str) -> tuple[urllib.request.OpenerDirector, str]:
    """Step 9: the Hub's login form, then the new-password form; returns the opener and the page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/hub/login").read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    new = "guide-" + os.urandom(9).hex()
    form = {"_xsrf": xsrf, "username": name, "password": password}
    body = opener.open(f"{base}/hub/login", urllib.parse.urlencode(form).encode()).read().decode()
    assert 'name="new_password"' in body, "the one-time password did not bring the new-password form"
    form.update(new_password=new, new_password_again=new)
    resp = opener.open(f"{base}/hub/login", urllib.parse.urlencode(form).encode(), timeout=300)
    return opener, resp.geturl()


def browser_sign_in(browser, base: str, name: str, password: str):
    """Step 9 in Chromium: the login form with the one-time password, then the new-password form."""
    page = browser.new_context().new_page()
    page.set_default_timeout(300_000)
    page.goto(f"{base}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_selector("#new_password_input")  # a one-time password must be changed
    new = "guide-" + os.urandom(9).hex()
    page.fill("#password_input", password)
    page.fill("#new_password_input", new)
    page.fill("#new_password_again_input", new)
    page.click("#login_submit")
    return page


def one_time_passwords(m: Machine) -> dict[str, str]:
    sheet = Path(m.path("/var/lib/ccm-workbench/one-time-passwords.tsv"))
    return dict(line.split("\t") for line in sheet.read_text().splitlines() if "\t" in line)


def check_in_browser(m: Machine, base: str, staff: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser_sign_in(browser, base, "hubadmin", m.admin_password)
            page.wait_for_url("**/hub/admin**")
            say("OK", f"Chromium: hubadmin signed in with the printed one-time password, chose a password, "
                      f"landed at {page.url}")
            page = browser_sign_in(browser, base, staff, one_time_passwords(m)[staff])
            page.wait_for_selector(".ccm-landing")  # the Hub started their server: the landing page
            assert f"/user/{staff}/voila/render/index.ipynb" in page.url, page.url
            page.goto(f"{base}/user/{staff}/voila/render/worklist.ipynb")
            page.wait_for_selector(".ccm-view-worklist .ccm-worklist-count")
            say("OK", f"Chromium: {staff} signed in, chose a password, reached their own server and opened "
                      f"the worklist at {page.url}")
        finally:
            browser.close()


def check(m: Machine, browser: bool) -> None:
    base = f"http://127.0.0.1:{m.hub_port}"
    say("STEP", "9. First sign-in (through the Hub's login form)")
    passwords = one_time_passwords(m)
    manager = next(n for n in passwords if n.startswith("cm"))
    if browser:
        check_in_browser(m, base, manager)
    else:
        say("SKIPPED", "Chromium (--no-browser): the login form is posted over HTTP instead")
        _, landed = sign_in(base, "hubadmin", m.admin_password)
        assert "/hub/admin" in landed, landed
        say("OK", f"hubadmin signed in with the printed one-time password, chose a password, landed at {landed}")
    name = next(n for n in passwords if n.startswith("tr"))  # "Signed in as a trainee, these must all be refused"
    opener, landed = sign_in(base, name, passwords[name])
    deadline = time.time() + 300
    while "/user/" not in landed and time.time() < deadline:  # the spawn-pending page
        time.sleep(2)
        landed = opener.open(f"{base}/hub/spawn-pending/{name}", timeout=60).geturl()
    page = opener.open(f"{base}/user/{name}/", timeout=300)
    assert f"/user/{name}/voila/render/index.ipynb" in page.geturl(), page.geturl()
    say("OK", f"{name} signed in, chose a password and reached their own server at {page.geturl()}")
    for path in (f"/user/{name}/lab", f"/user/{name}/tree", f"/user/{name}/api/kernels",
                 f"/user/{name}/api/terminals", f"/user/{name}/api/contents", f"/user/{name}/voila/api/contents",
                 "/hub/signup", f"/user/{manager}/"):
        try:
            resp = opener.open(base + path, timeout=60)
            body = resp.read().decode(errors="replace")
            if "ccm-refusal" not in body and "/hub/login" not in resp.geturl() \
                    and f"/user/{name}/voila/render/index.ipynb" not in resp.geturl():
                raise SystemExit(f"{path} answered {resp.geturl()}: it must be refused")
            say("OK", f"{path} refused (it went to {urllib.parse.urlparse(resp.geturl()).path})")
        except urllib.error.HTTPError as err:
            say("OK", f"{path} refused ({err.code})")
    state = Path(m.path("/var/lib/ccm-workbench/hub"))
    servers = state / "servers"  # each person's server folder is 0700: its kernels write there as they like
    hubs_own = [p for p in state.rglob("*") if p != servers and not p.is_relative_to(servers)]
    loose = [str(p) for p in [state, *hubs_own] if not p.is_symlink() and p.lstat().st_mode & 0o077]
    loose += [str(p) for p in [servers, *servers.iterdir()] if p.lstat().st_mode & 0o077]
    assert not loose, loose
    say("OK", f"{state}: no file or folder of the Hub's readable by others; every person's server folder 0700")
