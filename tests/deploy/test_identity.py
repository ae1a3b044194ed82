"""Who is signed in, per serving mode; `workbench serve` refuses to start without an identity
source; the Hub service's prelaunch hook and kernel manager (a real kernel)."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest
from tornado import web

from workbench import records as r
from workbench.errors import PermissionDenied, WorkbenchError
from workbench.ui import session
from workbench.ui.identity import serve_identity, signed_in

HUB_ENV = {"JUPYTERHUB_API_TOKEN": "t", "JUPYTERHUB_SERVICE_PREFIX": "/services/workbench/",
           "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:10101", "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api"}


@pytest.mark.parametrize("env,params,expected", [
    # the Hub: the signed-in Hub user, whatever the URL says
    ({"WORKBENCH_IDENTITY": "hub", "JUPYTERHUB_USER": "TR01"}, {"user": "SV01"}, "TR01"),
    ({"WORKBENCH_IDENTITY": "hub", "JUPYTERHUB_USER": "TR01", "WORKBENCH_USER": "SV01"}, {}, "TR01"),
    # one person: WORKBENCH_USER, whatever the URL says
    ({"WORKBENCH_IDENTITY": "user", "WORKBENCH_USER": "S001"}, {"user": "S006"}, "S001"),
    # the demo: the URL its links carry, or the picker (None)
    ({"WORKBENCH_IDENTITY": "demo"}, {"user": "S006"}, "S006"),
    ({"WORKBENCH_IDENTITY": "demo"}, {}, None),
    ({"WORKBENCH_IDENTITY": "DEMO"}, {}, None),
    # no mode (a bare voila during development): as before, the demo's behaviour
    ({}, {"user": "S001"}, "S001"),
    ({"JUPYTERHUB_USER": "S004"}, {"user": "S001"}, "S004"),
    ({}, {}, None),
])
def test_who_is_signed_in(env, params, expected):
    assert signed_in(params, env) == expected


@pytest.mark.parametrize("env,words", [
    ({"WORKBENCH_IDENTITY": "hub"}, "no signed-in user reached this page"),
    ({"WORKBENCH_IDENTITY": "hub", "JUPYTERHUB_USER": " "}, "no signed-in user reached this page"),
    ({"WORKBENCH_IDENTITY": "user"}, "no user was given"),
])
def test_a_promised_identity_that_did_not_arrive_is_refused_not_a_picker(env, words):
    with pytest.raises(PermissionDenied, match=words):
        signed_in({"user": "S006"}, env)


def test_an_unknown_mode_is_an_error():
    with pytest.raises(WorkbenchError, match="must be one of hub, user, demo"):
        signed_in({}, {"WORKBENCH_IDENTITY": "url"})


def test_the_pages_use_it(monkeypatch):
    monkeypatch.setenv("WORKBENCH_IDENTITY", "hub")
    monkeypatch.setenv("JUPYTERHUB_USER", "TR01")
    assert session.signed_in_id({"user": "SV01"}) == "TR01"
    monkeypatch.delenv("JUPYTERHUB_USER")
    with pytest.raises(PermissionDenied):
        session.signed_in_id({"user": "SV01"})


@pytest.mark.parametrize("kwargs,env,expected", [
    ({"hub": True}, HUB_ENV, {"WORKBENCH_IDENTITY": "hub"}),
    ({"user": "S001"}, {}, {"WORKBENCH_IDENTITY": "user", "WORKBENCH_USER": "S001"}),
    ({"demo_sign_in": True}, {}, {"WORKBENCH_IDENTITY": "demo"}),
])
def test_serve_identity_sources(kwargs, env, expected):
    assert serve_identity(**kwargs, env=env) == expected


@pytest.mark.parametrize("kwargs,env,words", [
    ({}, {}, "needs to know who is signed in"),
    ({"hub": True, "user": "S001"}, HUB_ENV, "not --hub and --user"),
    ({"user": "S001", "demo_sign_in": True}, {}, "not --user and --demo-sign-in"),
    ({"hub": True}, {}, "JUPYTERHUB_API_TOKEN, JUPYTERHUB_SERVICE_PREFIX"),
    ({"hub": True}, {**HUB_ENV, "JUPYTERHUB_SERVICE_URL": ""}, "JUPYTERHUB_SERVICE_URL missing"),
    ({"user": "S001?user=S006"}, {}, "must be a staff id"),
    ({"user": ""}, {}, "must be a staff id"),
])
def test_serve_refuses_without_one_good_identity_source(kwargs, env, words):
    with pytest.raises(WorkbenchError, match=words.replace("?", r"\?")):
        serve_identity(**kwargs, env=env)


@pytest.fixture
def staff_db(tmp_path, monkeypatch):
    from workbench.service import Workbench

    url = f"sqlite:///{tmp_path / 'staff.db'}"
    wb = Workbench.create(url)
    wb.add_user(r.User("TR01", "Tara Trainee", r.Role.TRAINEE, r.Credential.CMA))
    wb.add_user(r.User("SV01", "Sam Supervisor", r.Role.SUPERVISOR, r.Credential.RN))
    monkeypatch.setenv("WORKBENCH_DB", url)
    for var in ("WORKBENCH_IDENTITY", "WORKBENCH_USER", "JUPYTERHUB_USER"):
        monkeypatch.delenv(var, raising=False)
    yield url
    from workbench import service
    from workbench.serving import hub as hub_service

    hub_service._STAFF_SOURCE.clear()
    engine = service._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def test_cli_serve_says_why_it_will_not_start(staff_db, capsys):
    from workbench.cli import main

    assert main(["serve", "--db", staff_db]) == 2
    err = capsys.readouterr().err
    assert "--hub" in err and "--user ID" in err and "--demo-sign-in" in err and "URL" in err
    assert main(["serve", "--db", staff_db, "--user", "NOBODY"]) == 2
    assert "no staff member has that id" in capsys.readouterr().err
    assert main(["serve", "--db", staff_db, "--hub"]) == 2
    assert "the command JupyterHub runs" in capsys.readouterr().err


def test_the_hub_service_command_runs_voila_with_hub_sign_in(staff_db):
    from workbench.cli.common import NOTEBOOKS
    from workbench.serving.launch import hub_service_command

    argv, env = hub_service_command(staff_db, {"WORKBENCH_IDENTITY": "hub"}, NOTEBOOKS)
    assert argv[:3] == [sys.executable, "-m", "workbench.serving.hub"]
    assert "--template=ccm" in argv and "--Voila.ip=127.0.0.1" in argv
    assert env["WORKBENCH_IDENTITY"] == "hub" and env["WORKBENCH_DB"] == staff_db


class _Log:
    def __init__(self):
        self.warnings = []

    def warning(self, *args):
        self.warnings.append(args[0] % args[1:])


class _Request:
    """What the hook reads from tornado's request handler: the authenticated user and a log."""

    def __init__(self, username):
        from jupyter_server.auth import User

        self.current_user = User(username=username) if username else None
        self.log = _Log()


def test_prelaunch_hook_passes_staff_and_refuses_everyone_else(staff_db):
    from workbench.serving.hub import _REQUEST_USER, prelaunch_hook

    nb = object()
    for hub_name, staff_id in (("tr01", "TR01"), ("SV01", "SV01")):  # the Hub lower-cases names
        req = _Request(hub_name)
        assert prelaunch_hook(req, nb, "") is nb
        assert _REQUEST_USER.get() == (hub_name, staff_id)
    with pytest.raises(web.HTTPError) as refused:
        prelaunch_hook(_Request("visitor7"), nb, "")
    assert refused.value.status_code == 403
    assert "visitor7 is not on this practice's staff list" in refused.value.log_message
    with pytest.raises(web.HTTPError) as nobody:
        prelaunch_hook(_Request(None), nb, "")
    assert nobody.value.status_code == 403


def test_a_persons_own_server_gives_pages_to_its_owner_only(staff_db, monkeypatch):
    """Spawned for one person (JUPYTERHUB_USER), the server refuses anyone else, even staff."""
    from workbench.serving.hub import _REQUEST_USER, prelaunch_hook

    monkeypatch.setenv("JUPYTERHUB_USER", "tr01")
    nb = object()
    assert prelaunch_hook(_Request("tr01"), nb, "") is nb
    assert _REQUEST_USER.get() == ("tr01", "TR01")
    for other in ("sv01", "hubadmin"):
        with pytest.raises(web.HTTPError) as refused:
            prelaunch_hook(_Request(other), nb, "")
        assert refused.value.status_code == 403
        assert refused.value.log_message.startswith(f"This workbench server belongs to tr01; you are signed in as {other}.")


def test_kernels_start_for_the_request_user_without_the_hub_token(staff_db, tmp_path):
    """A real kernel: its environment names the Hub user and holds none of the Hub's secrets."""
    from workbench.serving.hub import _REQUEST_USER, KERNEL_OWNERS, HubKernelManager

    async def run():
        km = HubKernelManager(connection_dir=str(tmp_path))
        _REQUEST_USER.set(None)
        with pytest.raises(web.HTTPError):
            await km.start_kernel(env=dict(os.environ))  # no request user: no kernel
        _REQUEST_USER.set(("tr01", "TR01"))
        kid = await km.start_kernel(env={**os.environ, "JUPYTERHUB_API_TOKEN": "hub-secret",
                                         "JUPYTERHUB_USER": "SV01", "QUERY_STRING": "user=SV01"})
        try:
            assert KERNEL_OWNERS[kid] == "tr01"
            with pytest.raises(web.HTTPError):
                await km.start_kernel(env=dict(os.environ))  # one signed-in request, one kernel
            kc = km.get_kernel(kid).client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            out = []
            code = ("import os, json; print(json.dumps({k: os.environ.get(k) for k in "
                    "('JUPYTERHUB_USER', 'WORKBENCH_IDENTITY', 'JUPYTERHUB_API_TOKEN', 'QUERY_STRING')}))")
            await kc.execute_interactive(code, output_hook=lambda m: out.append(m), timeout=60)
            kc.stop_channels()
            text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
            return json.loads(text)
        finally:
            await km.shutdown_kernel(kid, now=True)
            assert kid not in KERNEL_OWNERS

    seen = asyncio.run(run())
    assert seen == {"JUPYTERHUB_USER": "TR01", "WORKBENCH_IDENTITY": "hub", "JUPYTERHUB_API_TOKEN": None,
                    "QUERY_STRING": "user=SV01"}
    assert signed_in({"user": "SV01"}, seen) == "TR01"
