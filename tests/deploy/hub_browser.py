"""Signing in to the real Hub through its login form in Chromium, as a person would."""

from __future__ import annotations

import secrets

from training_ui_helpers import recording_page


def app(hub: dict, name: str) -> str:
    """The root of one person's own workbench pages."""
    return f"{hub['base']}/user/{name.lower()}/voila/render"


def sign_in(browser, hub: dict, name: str, timeout_ms: int = 180_000):
    """Sign in at /hub/login with the account's password; the first time, the one-time password
    brings the same form back with new-password fields, which are filled in. Returns (context,
    page) after the form is sent; ``hub['passwords'][name]`` then holds the current password."""
    name = name.lower()
    context, page = recording_page(browser, timeout_ms)
    page.goto(f"{hub['base']}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub["passwords"][name])
    page.click("#login_submit")
    page.wait_for_load_state()
    if page.locator("#new_password_input").count():
        assert "one-time password" in page.locator(".login_error").inner_text()
        new = f"pw-{secrets.token_urlsafe(12)}"
        page.fill("#password_input", hub["passwords"][name])
        page.fill("#new_password_input", new)
        page.fill("#new_password_again_input", new)
        page.click("#login_submit")
        hub.setdefault("one_time", {})[name] = hub["passwords"][name]
        hub["passwords"][name] = new
    return context, page


def open_own_workbench(browser, hub: dict, name: str):
    """Sign in and wait until the Hub has started the person's server and its landing page shows."""
    context, page = sign_in(browser, hub, name)
    page.wait_for_selector(".ccm-landing", timeout=240_000)
    assert page.url.startswith(f"{app(hub, name)}/index.ipynb"), page.url
    return context, page
