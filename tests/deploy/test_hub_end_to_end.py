"""The team deployment end to end: a real JupyterHub started with deploy/jupyterhub_config.py on
127.0.0.1 from a fresh '.[hub]' venv, a throwaway PostgreSQL, Debian's Chromium.

A trainee signs in at the Hub, lands in their own workbench server, cannot become a supervisor through the
URL, plays a scenario to the end while every response body and websocket frame is recorded
(no rubric text may be among them), and cannot reach a Jupyter server, JupyterLab, kernels,
terminals, the contents API or code execution. A Hub user who is not on the staff list is
refused in a sentence, with no picker; the Hub administrator cannot open the trainee's server.
A supervisor signs in, cannot touch the trainee's kernel, overrides a criterion and releases the
feedback; the record says who did what.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from hub_browser import app, open_own_workbench, sign_in
from hub_helpers import ADMIN, STRANGER, server_secret
from training_ui_helpers import (
    SUPERVISOR,
    TRAINEE,
    leaks,
    received,
    secret_texts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OVERDOSE = "overdose-confusion"

#: Sent over the page's own kernel websocket, in the v1 protocol the page itself speaks (the
#: serving guards refuse any other): a code execution (must be dropped) and a kernel_info_request
#: (must be answered: proves the probe reached the kernel). v1 frames: the number of offsets, the
#: offsets (8 bytes little-endian each), then channel, header, parent header, metadata, content.
PROBE_JS = """
async (url) => new Promise((resolve) => {
  const seen = [];
  const enc = new TextEncoder(), dec = new TextDecoder();
  let ws;
  try { ws = new WebSocket(url, ["v1.kernel.websocket.jupyter.org"]); }
  catch (e) { resolve({error: String(e), seen}); return; }
  ws.binaryType = "arraybuffer";
  const msg = (type, content) => {
    const header = {msg_id: Math.random().toString(36).slice(2), msg_type: type, username: "probe",
                    session: "probe-session", date: new Date().toISOString(), version: "5.3"};
    const parts = ["shell", JSON.stringify(header), "{}", "{}", JSON.stringify(content)].map((t) => enc.encode(t));
    const offsets = [8 * (parts.length + 2)];
    for (const part of parts) offsets.push(offsets[offsets.length - 1] + part.length);
    const head = new DataView(new ArrayBuffer(8 * (offsets.length + 1)));
    head.setBigUint64(0, BigInt(offsets.length), true);
    offsets.forEach((o, i) => head.setBigUint64(8 * (i + 1), BigInt(o), true));
    return new Blob([head.buffer, ...parts]);
  };
  ws.onopen = () => {
    ws.send(msg("execute_request", {code: "print('EXEC' + '-RAN')", silent: false, store_history: false,
                                    user_expressions: {}, allow_stdin: false, stop_on_error: true}));
    ws.send(msg("kernel_info_request", {}));
  };
  ws.onmessage = (ev) => { seen.push(typeof ev.data === "string" ? ev.data : dec.decode(ev.data)); };
  ws.onerror = () => { seen.push("websocket-error"); };
  ws.onclose = (ev) => { seen.push("closed:" + ev.code); };
  setTimeout(() => { try { ws.close(); } catch (e) {} resolve({seen}); }, 8000);
})
"""


def kernel_socket(page) -> str:
    urls = [u for u in page.sockets if "/api/kernels/" in u and "/channels" in u]
    assert urls, page.sockets
    return urls[-1]


def probe_url(socket_url: str, session: str) -> str:
    """The kernel's channels URL with a session of the probe's own (not the page's)."""
    return socket_url.split("?")[0] + f"?session_id={session}"


def kernel_id(socket_url: str) -> str:
    return urlparse(socket_url).path.split("/api/kernels/")[1].split("/")[0]


def assert_refused(context, base: str, path: str, method: str = "get") -> int:
    """The path answers with a refusal (after following redirects), never a Jupyter page or API."""
    resp = getattr(context.request, method)(base + path, fail_on_status_code=False)
    body = resp.text()
    assert resp.status in (403, 404, 405, 424, 503), (path, resp.status, body[:300])
    assert "jupyter-config-data" not in body and '"kernels"' not in body and "JupyterLab" not in body, path
    return resp.status


def test_trainee_supervisor_and_stranger_through_the_real_hub(browser, hub, team_db):
    from training.attempts import StoreAttempts
    from training.ui.common import library as load_library
    from workbench.service import Workbench
    from workbench.serving.hub_accounts import AccountStore

    base = hub["base"]
    sc = load_library()[OVERDOSE]
    secrets = secret_texts(load_library())
    hub_name = TRAINEE.id.lower()
    app_path = app(hub, hub_name)[len(base):]
    own = f"/user/{hub_name}"

    # ---- the trainee signs in at the Hub and lands in their own workbench server as themself
    context, page = open_own_workbench(browser, hub, TRAINEE.id)
    assert TRAINEE.name in page.locator(".ccm-who").inner_text()

    # ---- nobody signed in: the server sends the browser to the Hub, its APIs refuse
    anon = browser.new_context()
    resp = anon.request.get(f"{base}{app_path}/index.ipynb", max_redirects=0)
    assert resp.status == 302 and "/hub/api/oauth2/authorize" in resp.headers["location"]
    assert anon.request.get(f"{base}{own}/api/kernels/00000000-0000-0000-0000-000000000000",
                            fail_on_status_code=False).status == 403
    anon.close()

    # the URL cannot make anyone else of them
    forged = f"{base}{app_path}/supervisor.ipynb?user={SUPERVISOR.id}"
    page.goto(forged)
    page.wait_for_selector("text=This page is for")
    assert TRAINEE.name in page.locator(".ccm-who").inner_text()
    assert SUPERVISOR.name not in page.locator(".ccm-app").inner_text()
    assert page.locator(".ccm-signin-picker").count() == 0

    # ---- plays the call in the call pane beside the real chart, times it with the real timer
    page.goto(f"{base}{app_path}/trainee.ipynb")
    page.wait_for_selector(f".trn-start-{OVERDOSE}")
    page.click(f".trn-start-{OVERDOSE}")
    page.wait_for_selector(".trn-call-dock .ccm-chart", timeout=120_000)
    page.locator(".trn-call-dock .ccm-chart-tabs .lm-TabBar-tab", has_text="Time").click()
    page.locator(".ccm-timer-start").click()
    for key in ("identify", "ask-what-taken"):
        page.wait_for_timeout(1200)  # the pane's buttons are replaced after every answer
        lines = page.locator(".trn-line").count()
        page.locator(".trn-option", has_text=sc.option(key).label).first.click()
        page.wait_for_function(f"document.querySelectorAll('.trn-line').length > {lines}")
    page.wait_for_timeout(1200)
    page.click(".trn-hang-up")
    page.wait_for_selector(".trn-call:not([disabled])")
    page.locator(".ccm-timer-note input").fill("Confused after a possible overdose; practice call ended early")
    page.locator(".ccm-timer-stop").click()
    page.wait_for_timeout(1500)
    page.click(".trn-end")
    page.click(".trn-end-confirm")
    page.wait_for_selector(".trn-feedback-box:has-text('not released')")
    attempt_id = page.locator(".trn-attempt-id").inner_text().strip()

    seen = received(page)
    assert sc.option("ask-what-taken").label in seen  # the recording works
    assert leaks(seen, secrets) == []
    token = server_secret(hub_name)
    assert len(token) >= 16 and token not in seen  # the server's Hub token stays on the server
    assert all(urlparse(u).hostname == "127.0.0.1" for u in page.urls if u.startswith("http"))
    # the app's own links never carry an identity (only the URL typed above did)
    assert not [u for u in page.urls if "user=" in urlparse(u).query and u != forged]

    # ---- no Jupyter server, JupyterLab, terminal, contents API or kernel creation for them
    for path in (f"{own}/lab", f"{own}/tree", f"{own}/api/kernels", f"{own}/api/terminals",
                 f"{own}/api/contents", f"{own}/api/sessions", f"{own}/voila/api/contents",
                 f"{own}/terminals/1", f"{own}/api/kernelspecs", f"/user/{SUPERVISOR.id.lower()}/lab",
                 f"/hub/spawn/{SUPERVISOR.id.lower()}"):
        assert_refused(context, base, path)
    assert_refused(context, base, f"{own}/api/kernels", method="post")
    hub_api = context.request.post(f"{base}/hub/api/users/{SUPERVISOR.id.lower()}/server",
                                   fail_on_status_code=False)
    assert hub_api.status in (403, 404), hub_api.status  # nobody starts another person's server

    # ---- the page's own kernel drops code execution and answers only widget-level messages
    socket = kernel_socket(page)
    trainee_kernel = kernel_id(socket)
    probe = page.evaluate(PROBE_JS, probe_url(socket, "trainee-probe"))
    replies = "\n".join(probe["seen"])
    assert "kernel_info_reply" in replies, probe  # the probe reached the kernel
    assert "execute_reply" not in replies and "EXEC-RAN" not in replies, probe
    mine = context.request.get(f"{base}{own}/api/kernels/{trainee_kernel}")
    assert mine.status == 200  # the owner may see their kernel's status ...

    # ---- a Hub user who is not on the staff list: a sentence, no picker
    hub["passwords"][STRANGER] = "a-stranger-password-1"
    AccountStore(hub["state"] / "accounts.sqlite").set_password(STRANGER, hub["passwords"][STRANGER], False)
    stranger_ctx, stranger = sign_in(browser, hub, STRANGER)
    stranger.wait_for_selector(".ccm-refusal", timeout=240_000)
    refusal = stranger.locator(".ccm-refusal").inner_text()
    assert f"signed in to JupyterHub as {STRANGER}" in refusal and "not on this practice's staff list" in refusal
    assert stranger.locator(".ccm-signin-picker").count() == 0
    assert not [u for u in stranger.sockets if "/api/kernels/" in u]  # no kernel started for them
    stranger_ctx.close()

    # ---- the administrator cannot open the trainee's server (the Hub gives admins no access to
    # people's servers), nor its kernel
    admin_ctx, admin = sign_in(browser, hub, ADMIN)
    admin.wait_for_url(re.compile(r".*/hub/admin.*"), timeout=60_000)
    denied = admin_ctx.request.get(f"{base}{app_path}/index.ipynb", fail_on_status_code=False)
    # refused by the server (403), or held at the Hub's own authorisation page: never the workbench
    assert "ccm-landing" not in denied.text() and (denied.status == 403 or "/hub/" in denied.url), \
        (denied.status, denied.url)
    assert admin_ctx.request.get(f"{base}{own}/api/kernels/{trainee_kernel}",
                                 fail_on_status_code=False).status == 403
    admin_ctx.close()

    # ---- the supervisor signs in: cannot touch the trainee's kernel, grades from the record
    sup_ctx, sup = open_own_workbench(browser, hub, SUPERVISOR.id)
    other = sup_ctx.request.get(f"{base}{own}/api/kernels/{trainee_kernel}", fail_on_status_code=False)
    assert other.status == 403 and "kernel" not in other.text()  # ... nobody else may
    hijack = sup.evaluate(PROBE_JS, probe_url(socket, "supervisor-probe"))
    assert "kernel_info_reply" not in "\n".join(hijack["seen"]), hijack
    context.close()

    sup.goto(f"{app(hub, SUPERVISOR.id)}/supervisor.ipynb")
    sup.wait_for_selector(".trn-gradebook-table")
    sup.wait_for_selector(f".trn-detail-id:has-text('{attempt_id}')")
    criterion = sup.locator(".trn-ov-criterion select")
    labels = [x for x in criterion.locator("option").all_inner_texts() if x.strip()]
    criterion.select_option(label=labels[0])
    sup.wait_for_timeout(1000)
    sup.locator(".trn-ov-points input").fill("0")
    sup.locator(".trn-ov-points input").press("Enter")
    sup.locator(".trn-ov-met input").uncheck()
    sup.locator(".trn-ov-comment textarea").fill("Quick triage, but the pill count was not passed on.")
    sup.click(".trn-ov-save")
    sup.wait_for_selector(".trn-sup-msg:has-text('overridden')")
    sup.click(".trn-release")
    sup.wait_for_selector(".trn-sup-msg:has-text('Feedback released')")
    sup_ctx.close()

    # ---- the record says who did what: identities came from the Hub
    rec = StoreAttempts(Workbench.open(team_db)).get_attempt(attempt_id)
    assert rec.trainee_id == TRAINEE.id and rec.status == "finished"
    assert rec.released and rec.released_by == SUPERVISOR.id
    assert [(o.points, o.by) for o in rec.overrides] == [(0.0, SUPERVISOR.id)]
