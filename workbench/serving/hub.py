"""The workbench as a JupyterHub-authenticated Voila server (the team deployment).

JupyterHub's spawner starts this process as each signed-in person's own server at ``/user/<name>/``
(deploy/jupyterhub_config.py sets ``c.Spawner.cmd`` to ``workbench serve --hub``, which execs
``python -m workbench.serving.hub``); it also runs as a Hub-managed service. It is Voila
standalone, so kernels accept only widget messages (no execute requests), with:

- every request authenticated by the Hub (OAuth, :class:`HubIdentityProvider`, built on
  JupyterHub's ``HubOAuth``); a Hub user without access to the service is refused;
- on a person's own server, only that person (``JUPYTERHUB_USER``) gets a page, even an
  administrator whose Hub role could reach it is refused with a sentence;
- a prelaunch hook (Voila's ``VoilaConfiguration.prelaunch_hook(req_handler, notebook, cwd)``)
  that reads the signed-in Hub user from the authenticated request, refuses anyone who is not on
  the practice's staff list with a sentence saying so, and hands the id to the kernel it is about
  to start (``JUPYTERHUB_USER`` in that kernel's environment; ``WORKBENCH_IDENTITY=hub``);
- each kernel bound to the Hub user it was started for: its websocket and REST endpoints refuse
  anyone else; the Hub's API token is removed from the kernels' environment;
- no file tree, no contents API: ``/services/workbench/`` goes to the landing page.

Voila runs a prelaunch hook only for kernels it starts on request, so this service does not use
``preheat_kernel`` (the two cannot be combined).
"""

from __future__ import annotations

import html
import os
import sys
from contextvars import ContextVar
from urllib.parse import urlparse

from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import (
    JupyterHubAuthorizer,
    JupyterHubIdentityProvider,
    JupyterHubOAuthCallbackHandler,
)
from tornado import web
from traitlets.config import Config
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from ..ui.identity import HUB, HUB_USER_VAR, MODE_VAR

#: (Hub user name, staff id) of the request whose kernel is being started (set by the prelaunch
#: hook; a context variable, so concurrent requests never see each other's user).
_REQUEST_USER: ContextVar[tuple[str, str] | None] = ContextVar("workbench_hub_request_user", default=None)

#: Kernel id -> the Hub user it was started for.
KERNEL_OWNERS: dict[str, str] = {}

_STAFF_SOURCE: dict[str, object] = {}


def _staff_member(name: str):
    """The practice's staff member with id ``name`` (the Hub user name), or None."""
    from ..errors import NotFound
    from ..service import Workbench

    wb = _STAFF_SOURCE.get("wb")
    if wb is None:
        wb = _STAFF_SOURCE["wb"] = Workbench.open(os.environ["WORKBENCH_DB"])
    try:
        return wb.get_user(name)
    except NotFound:  # the Hub lower-cases user names: match staff ids without regard to case
        same = [u for u in wb.users() if u.id.casefold() == name.casefold()]
        return same[0] if len(same) == 1 else None


def not_on_staff_message(name: str) -> str:
    return (f"You are signed in to JupyterHub as {name}, but {name} is not on this practice's staff "
            "list, so the workbench will not open for you. Ask your supervisor or the practice "
            "administrator to add you as staff (workbench import staff) and sign in again.")


def prelaunch_hook(req_handler, notebook, cwd):
    """Voila calls this with the authenticated request before it starts the page's kernel."""
    user = req_handler.current_user
    name = getattr(user, "username", None)
    if not name:
        raise web.HTTPError(403, "Sign in through JupyterHub first.")
    owner = os.environ.get("JUPYTERHUB_USER")  # set when the Hub spawned this as one person's server
    if owner and name != owner:
        req_handler.log.warning("Hub user %s refused on the server of %s", name, owner)
        raise web.HTTPError(403, f"This workbench server belongs to {owner}; you are signed in as "
                                 f"{name}. Open your own workbench from the Hub's home page.")
    staff = _staff_member(name)
    if staff is None:
        req_handler.log.warning("Hub user %s is not on the staff list: refused", name)
        raise web.HTTPError(403, not_on_staff_message(name))
    _REQUEST_USER.set((name, staff.id))
    return notebook


class HubKernelManager(AsyncMappingKernelManager):
    """Starts each kernel for the Hub user of the request, and remembers whose it is."""

    async def start_kernel(self, *args, env=None, **kwargs):
        signed = _REQUEST_USER.get()
        if not signed:
            raise web.HTTPError(403, "No signed-in Hub user for this kernel.")
        hub_name, user = signed
        _REQUEST_USER.set(None)  # one hook, one kernel
        env = {k: v for k, v in (os.environ if env is None else env).items()
               if not k.startswith("JUPYTERHUB_")}
        env.update({MODE_VAR: HUB, HUB_USER_VAR: user})
        kernel_id = await super().start_kernel(*args, env=env, **kwargs)
        KERNEL_OWNERS[kernel_id] = hub_name
        return kernel_id

    def remove_kernel(self, kernel_id):
        KERNEL_OWNERS.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)


def check_owner(handler, kernel_id: str | None) -> None:
    """Refuse (403) a request on a kernel that was not started for the signed-in user."""
    user = handler.current_user
    name = getattr(user, "username", None)
    if not name or not kernel_id or KERNEL_OWNERS.get(kernel_id) != name:
        raise web.HTTPError(403, "This page belongs to another session.")


def _kernel_id_of(handler) -> str | None:
    return handler.path_kwargs.get("kernel_id") or (handler.path_args[0] if handler.path_args else None)


class OwnKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    async def pre_get(self):
        check_owner(self, self.kernel_id)
        await super().pre_get()


class OwnKernelHandler(KernelHandler):
    async def prepare(self):
        await super().prepare()
        check_owner(self, _kernel_id_of(self))


class OwnShutdownHandler(VoilaShutdownKernelHandler):
    async def prepare(self):
        await super().prepare()
        check_owner(self, _kernel_id_of(self))


REFUSAL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CCM Workbench: not open for you</title></head>
<body style="font-family:sans-serif;max-width:42em;margin:4em auto;color:#1f2937">
<h1 style="color:#1d4e89;font-size:1.4em">The workbench is not open for you</h1>
<p class="ccm-refusal">{message}</p>
<p><a href="{logout}">Sign out of JupyterHub</a></p>
</body></html>
"""


class PageHandler(TornadoVoilaHandler):
    """Voila's page handler; a refusal is a short page that says why, in a sentence."""

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if status_code == 403 and isinstance(exc, web.HTTPError) and exc.log_message:
            self.set_status(403)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            hub = os.environ.get("JUPYTERHUB_BASE_URL", "/")
            self.finish(REFUSAL_PAGE.format(message=html.escape(exc.log_message),
                                            logout=html.escape(url_path_join(hub, "hub/logout"))))
            return
        super().write_error(status_code, **kwargs)


class ToLandingPage(web.RequestHandler):
    """The service's root (and the tree Voila would list) goes to the landing page."""

    def initialize(self, target: str):
        self.target = target

    def get(self, *args):
        self.redirect(self.target)


class HubIdentityProvider(JupyterHubIdentityProvider):
    """JupyterHub's OAuth identity provider, its callback and logout under the service prefix."""

    def __init__(self, **kwargs):
        kwargs.pop("token", None)  # Voila passes one; the Hub's API token is used instead
        super().__init__(**kwargs)

    def get_handlers(self):
        prefix = self.hub_auth.base_url or "/"
        return [(url_path_join(prefix, "logout"), self.logout_handler_class),
                (url_path_join(prefix, "oauth_callback"), JupyterHubOAuthCallbackHandler,
                 {"hub_auth": self.hub_auth})]


_SWAP = {VoilaKernelWebsocketHandler: OwnKernelWebsocketHandler, KernelHandler: OwnKernelHandler,
         VoilaShutdownKernelHandler: OwnShutdownHandler, TornadoVoilaHandler: PageHandler}


class HubVoila(Voila):
    """Voila standalone with the routes a signed-in person needs, each bound to its owner."""

    def init_handlers(self):
        landing = url_path_join(self.server_url, "voila/render/index.ipynb")
        out = []
        for spec in super().init_handlers():
            pattern, cls, *rest = spec
            if cls in (TornadoVoilaTreeHandler, VoilaContentsHandler):
                continue  # no file tree, no contents API
            out.append((pattern, _SWAP.get(cls, cls), *rest))
        root = self.server_url.rstrip("/")
        out[:0] = [(rf"{root}/?", ToLandingPage, {"target": landing}),
                   (url_path_join(self.server_url, r"/voila/tree(.*)"), ToLandingPage, {"target": landing})]
        return out


def hub_config() -> Config:
    c = Config()
    c.Voila.identity_provider_class = HubIdentityProvider
    c.Voila.authorizer_class = JupyterHubAuthorizer
    c.VoilaConfiguration.prelaunch_hook = prelaunch_hook
    c.VoilaConfiguration.preheat_kernel = False
    c.VoilaConfiguration.multi_kernel_manager_class = HubKernelManager
    return c


def main(argv: list[str] | None = None) -> None:
    """``python -m workbench.serving.hub NOTEBOOKS [voila options]`` as the Hub's service."""
    argv = sys.argv[1:] if argv is None else argv
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    # On one machine the server listens on loopback only (the Hub's proxy is its door); in a
    # Kubernetes pod WORKBENCH_SERVER_IP=0.0.0.0 (the chart's network policy admits only the proxy).
    ip = os.environ.get("WORKBENCH_SERVER_IP") or "127.0.0.1"
    if ip == "127.0.0.1" and url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The workbench server listens on 127.0.0.1 only; the Hub's proxy is its door "
                         "(set WORKBENCH_SERVER_IP in a container whose network policy guards it).")
    argv = [a for a in argv if not a.startswith("--port=")]
    argv = [a for a in argv if not a.startswith("--Voila.ip=")]
    argv += [f"--port={url.port}", f"--base_url={prefix}", f"--Voila.ip={ip}"]
    from .guards import guarded

    guarded(HubVoila, per_hub_user=True).launch_instance(argv=argv, config=hub_config())


if __name__ == "__main__":  # pragma: no cover
    main()
