"""The team deployment end to end: a real JupyterHub started with deploy/jupyterhub_config.py on
127.0.0.1, a throwaway PostgreSQL, Debian's Chromium.

A trainee signs in at the Hub, lands in the workbench, cannot become a supervisor through the
URL, plays a scenario to the end while every response body and websocket frame is recorded
(no rubric text may be among them), and cannot reach a Jupyter server, JupyterLab, kernels,
terminals, the contents API or code execution. A Hub user who is not on the staff list is
refused in a sentence, with no picker. A supervisor signs in, cannot touch the trainee's
kernel, overrides a criterion and releases the feedback; the record says who did what.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from hub_helpers import STRANGER, service_secret
from training_ui_helpers import SUPERVISOR, TRAINEE, leaks, received, recording_page, secret_texts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OVERDOSE = "overdose-confusion"
APP = "/services/workbench/voila/render"

#: Sent over the page's own kernel websocket in the v1 protocol (the only one the workbench
#: accepts): a code execution (must be dropped) and a kernel_info_request (must be answered:
#: proves the probe reached the kernel). Each frame received is kept as text.
PROBE_JS = """
async (url) => new Promise((resolve) => {
  const seen = [];
  let ws;
  try { ws = new WebSocket(url, ["v1.kernel.websocket.jupyter.org"]); } catch (e) { resolve({error: String(e), seen}); return; }
  ws.binaryType = "arraybuffer";
  const enc = new TextEncoder();
  const v1 = (channel, parts) => {
    const bufs = [enc.encode(channel), ...parts.map((p) => enc.encode(JSON.stringify(p)))];
    const offsets = [8 * (bufs.length + 2)];
    for (const b of bufs) { offsets.push(offsets[offsets.length - 1] + b.length); }
    const out = new Uint8Array(offsets[offsets.length - 1]);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, BigInt(offsets.length), true);
    offsets.forEach((o, i) => view.setBigUint64(8 * (i + 1), BigInt(o), true));
    bufs.forEach((b, i) => out.set(b, offsets[i]));
    return out;
  };
  const msg = (type, content) => v1("shell", [
    {msg_id: Math.random().toString(36).slice(2), msg_type: type, username: "probe",
     session: "probe-session", date: new Date().toISOString(), version: "5.3"}, {}, {}, content]);
  ws.onopen = () => {
    ws.send(msg("execute_request", {code: "print('EXEC' + '-RAN')", silent: false, store_history: false,
                                    user_expressions: {}, allow_stdin: false, stop_on_error: true}));
    ws.send(msg("kernel_info_request", {}));
  };
  ws.onmessage = (ev) => { seen.push(typeof ev.data === "string" ? ev.data : new TextDecoder().decode(ev.data)); };
  ws.onerror = () => { seen.push("websocket-error"); };
  ws.onclose = (ev) => { seen.push("closed:" + ev.code); };
  setTimeout(() => { try { ws.close(); } catch (e) {} resolve({seen}); }, 8000);
})
"""


def sign_in(browser, hub, username: str):
    context, page = recording_page(browser, 90_000)
    page.goto(f"{hub['base']}/hub/login")
    page.fill("#username_input", username)
    page.fill("#password_input", hub["password"])
    page.click("#login_submit")
    return context, page


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

    base = hub["base"]
    sc = load_library()[OVERDOSE]
    secrets = secret_texts(load_library())

    # ---- nobody signed in: the service sends the browser to the Hub, its APIs refuse
    anon = browser.new_context()
    resp = anon.request.get(f"{base}{APP}/index.ipynb", max_redirects=0)
    assert resp.status == 302 and "/hub/api/oauth2/authorize" in resp.headers["location"]
    assert anon.request.get(f"{base}/services/workbench/api/kernels/00000000-0000-0000-0000-000000000000",
                            fail_on_status_code=False).status == 403
    anon.close()

    # ---- the trainee signs in at the Hub and lands in the workbench as themself
    context, page = sign_in(browser, hub, TRAINEE.id)
    page.wait_for_selector(".ccm-landing")
    assert page.url.startswith(f"{base}{APP}/index.ipynb")
    assert TRAINEE.name in page.locator(".ccm-who").inner_text()

    # the URL cannot make anyone else of them
    forged = f"{base}{APP}/supervisor.ipynb?user={SUPERVISOR.id}"
    page.goto(forged)
    page.wait_for_selector("text=This page is for")
    assert TRAINEE.name in page.locator(".ccm-who").inner_text()
    assert SUPERVISOR.name not in page.locator(".ccm-app").inner_text()
    assert page.locator(".ccm-signin-picker").count() == 0

    # ---- plays the call in the call pane beside the real chart, times it with the real timer
    page.goto(f"{base}{APP}/trainee.ipynb")
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
    token = service_secret(hub["proc"])
    assert len(token) >= 16 and token not in seen  # the service's Hub token stays on the server
    assert all(urlparse(u).hostname == "127.0.0.1" for u in page.urls if u.startswith("http"))
    # the app's own links never carry an identity (only the URL typed above did)
    assert not [u for u in page.urls if "user=" in urlparse(u).query and u != forged]

    # ---- no Jupyter server, JupyterLab, terminal, contents API or kernel creation for them
    hub_name = TRAINEE.id.lower()
    for path in (f"/user/{hub_name}/lab", f"/user/{hub_name}/tree", f"/user/{hub_name}/api/kernels",
                 f"/user/{hub_name}/api/terminals", f"/user/{hub_name}/api/contents",
                 f"/hub/spawn/{hub_name}", "/services/workbench/api/kernels", "/services/workbench/api/terminals",
                 "/services/workbench/api/contents", "/services/workbench/api/sessions",
                 "/services/workbench/voila/api/contents", "/services/workbench/terminals/1"):
        assert_refused(context, base, path)
    assert_refused(context, base, "/services/workbench/api/kernels", method="post")
    hub_api = context.request.post(f"{base}/hub/api/users/{hub_name}/server", fail_on_status_code=False)
    assert hub_api.status in (403, 404), hub_api.status

    # ---- the page's own kernel drops code execution and answers only widget-level messages
    socket = kernel_socket(page)
    trainee_kernel = kernel_id(socket)
    probe = page.evaluate(PROBE_JS, probe_url(socket, "trainee-probe"))
    replies = "\n".join(probe["seen"])
    assert "kernel_info_reply" in replies, probe  # the probe reached the kernel
    assert "execute_reply" not in replies and "EXEC-RAN" not in replies, probe
    own = context.request.get(f"{base}/services/workbench/api/kernels/{trainee_kernel}")
    assert own.status == 200  # the owner may see their kernel's status ...

    # ---- a Hub user who is not on the staff list: a sentence, no picker
    stranger_ctx, stranger = sign_in(browser, hub, STRANGER)
    stranger.wait_for_selector(".ccm-refusal")
    refusal = stranger.locator(".ccm-refusal").inner_text()
    assert f"signed in to JupyterHub as {STRANGER}" in refusal and "not on this practice's staff list" in refusal
    assert stranger.locator(".ccm-signin-picker").count() == 0
    assert not [u for u in stranger.sockets if "/api/kernels/" in u]  # no kernel started for them
    stranger_ctx.close()

    # ---- the supervisor signs in: cannot touch the trainee's kernel, grades from the record
    sup_ctx, sup = sign_in(browser, hub, SUPERVISOR.id)
    sup.wait_for_selector(".ccm-landing")
    other = sup_ctx.request.get(f"{base}/services/workbench/api/kernels/{trainee_kernel}",
                                fail_on_status_code=False)
    assert other.status == 403  # ... nobody else may
    hijack = sup.evaluate(PROBE_JS, probe_url(socket, "supervisor-probe"))
    assert "kernel_info_reply" not in "\n".join(hijack["seen"]), hijack
    context.close()

    sup.goto(f"{base}{APP}/supervisor.ipynb")
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
