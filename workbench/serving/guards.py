"""What one person's page cannot do to the others served by the same Voila process.

:func:`guarded` turns a Voila application class (plain Voila for ``workbench serve``, the
Hub-authenticated app of the team deployment) into one that adds, without changing what a page
can do:

- **Kernel websockets speak the v1 protocol only.** A websocket that does not ask for
  ``v1.kernel.websocket.jupyter.org`` is refused (400, logged with the kernel id). In the legacy
  protocol Voila's ``read_header_from_binary_message`` reads a binary reply with the v1 layout,
  so 8 bytes of the reply became the length of a list and the server's memory ballooned. Outgoing
  binary messages are parsed here with every offset checked against the message's length, and a
  message from the browser larger than ``max_message_kb`` closes its websocket (tornado's
  ``websocket_max_message_size``).
- **At most ``max_pages`` open pages (kernels) per person.** The next page is refused with a
  short page saying which tab to close. ``workbench serve`` serves one person, so every page
  counts; the Hub app counts per signed-in Hub user. A page that is going away (its websocket
  closed as "going away", or its shutdown beacon arrived) stops counting at once, and a page
  request over the limit waits up to ``LEAVE_GRACE_SECONDS`` for such a page, so a tab moving
  to its next page is not refused once the page it leaves has gone.
- **A memory limit per kernel.** Each kernel gets an address-space rlimit (``RLIMIT_AS``,
  ``kernel_address_space_mb``) the moment it starts, and a watchdog shuts down a kernel whose
  resident memory passes ``kernel_memory_mb``: that kernel dies alone.
- **Dead tabs are culled.** A kernel with no websocket for ``dead_tab_minutes`` is shut down even
  when its messages (the timer bar's tick) keep Jupyter's idle culler from seeing it idle. A
  timer left running there is listed as left running, as for any kernel that is gone.

Settings come from the environment (``WORKBENCH_MAX_PAGES``, ``WORKBENCH_KERNEL_MEMORY_MB``,
``WORKBENCH_KERNEL_ADDRESS_SPACE_MB``, ``WORKBENCH_DEAD_TAB_MINUTES``,
``WORKBENCH_WS_MAX_MESSAGE_KB``), so ``workbench serve`` and a Hub spawner pass them alike;
docs/architecture.md ("Serving: what one person's page cannot do to others") describes them.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import resource
import sys
import time
from contextvars import ContextVar
from dataclasses import dataclass, fields

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
from tornado import web
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.websocket import WebSocketHandler
from voila.tornado.handler import TornadoVoilaHandler

V1 = "v1.kernel.websocket.jupyter.org"
#: The close code a browser sends when its page is closed or navigated away (RFC 6455, 7.4.1).
GOING_AWAY = 1001
#: The one person of a server that is not per Hub user (``workbench serve``).
THIS_SERVER = "this server's person"

_ENV = {"max_pages": "WORKBENCH_MAX_PAGES", "kernel_memory_mb": "WORKBENCH_KERNEL_MEMORY_MB",
        "kernel_address_space_mb": "WORKBENCH_KERNEL_ADDRESS_SPACE_MB",
        "dead_tab_minutes": "WORKBENCH_DEAD_TAB_MINUTES", "max_message_kb": "WORKBENCH_WS_MAX_MESSAGE_KB"}


@dataclass(frozen=True)
class Limits:
    """The guards' settings; 0 turns a memory limit off."""

    max_pages: int = 4
    kernel_memory_mb: int = 1024
    kernel_address_space_mb: int = 8192
    dead_tab_minutes: float = 5.0
    max_message_kb: int = 1024
    check_seconds: float = 2.0

    @classmethod
    def from_env(cls, env=None) -> Limits:
        env = os.environ if env is None else env
        given = {}
        for f in fields(cls):
            var = _ENV.get(f.name)
            if var is None or not env.get(var, "").strip():
                continue
            text = env[var].strip()
            try:
                value = float(text) if f.type == "float" else int(text)
            except ValueError:
                raise ValueError(f"{var}={text!r} is not a number.") from None
            if value < 0 or (f.name in ("max_pages", "max_message_kb") and value < 1):
                raise ValueError(f"{var}={text!r} is out of range (at least 1 for pages and message size, "
                                 "0 or more for the others).")
            given[f.name] = value
        return cls(**given)


def binary_header(message: bytes) -> dict | None:
    """The header of a v1 binary kernel message, or None when the bytes are not one.

    Layout: the number of offsets (8 bytes, little-endian), the offsets (8 bytes each), then the
    parts (channel, header, ...). Every number is checked against the message's length before
    anything is built from it."""
    if len(message) < 8:
        return None
    count = int.from_bytes(message[:8], "little")
    if count < 3 or 8 * (count + 1) > len(message):
        return None
    start, end = (int.from_bytes(message[8 * i:8 * (i + 1)], "little") for i in (2, 3))
    if not 8 * (count + 1) <= start <= end <= len(message):
        return None
    try:
        header = json.loads(message[start:end].decode("utf-8"))
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


def offered_protocols(handler) -> list[str]:
    raw = handler.request.headers.get("Sec-WebSocket-Protocol", "")
    return [p.strip() for p in raw.split(",") if p.strip()]


class GuardedWebsocket:
    """Mixin for the kernel websocket handler: v1 protocol only, bounded parsing, last use."""

    async def pre_get(self):
        if V1 not in offered_protocols(self):
            self.log.warning("Kernel websocket refused: it did not ask for the %s protocol (kernel %s)",
                             V1, self.kernel_id)
            raise web.HTTPError(400, f"Kernel websockets must use the {V1} protocol.")
        await super().pre_get()

    def on_message(self, message):
        LAST_USED[self.kernel_id] = time.monotonic()
        return super().on_message(message)

    async def open(self, kernel_id):
        LEAVING.discard(kernel_id)  # the page came back (a reconnect): it counts again
        return await super().open(kernel_id)

    def on_close(self):
        code, kernel_id = self.close_code, self.kernel_id
        super().on_close()
        if code == GOING_AWAY:  # the browser closed or left the page: its kernel is no one's now
            self.log.info("Kernel %s: its page went away", kernel_id)
            LEAVING.add(kernel_id)  # its place is free now, not when the kernel has shut down
            IOLoop.current().call_later(1.0, self.application.settings["workbench_page_gone"], kernel_id)

    def write_message(self, message, binary=False):
        if isinstance(message, bytes):
            header = binary_header(message)
        elif isinstance(message, dict):
            header = message.get("header")
        else:
            header = None
        if isinstance(header, dict) and header.get("msg_type") == "execute_input":
            return None  # Voila never shows the code it runs
        return WebSocketHandler.write_message(self, message, binary)  # skips Voila's unbounded parser


#: The page request starting a kernel: its person and the kernels it started (set by the page
#: handler for that request only).
_PAGE: ContextVar[dict | None] = ContextVar("workbench_page", default=None)
#: Kernels whose page is still being rendered (no websocket yet: not a dead tab).
RENDERING: set[str] = set()
#: Kernels whose page went away (closed, or navigated elsewhere in the same tab): shutting down,
#: no longer counted as open pages.
LEAVING: set[str] = set()
#: How long a page request over the limit waits for a page that is going away (seconds): a tab
#: navigating inside the app asks for its next page before the browser closes the one it leaves.
LEAVE_GRACE_SECONDS = 3.0
#: Kernel id -> person; kernel id -> when it started / when its page last sent a message.
OWNERS: dict[str, str] = {}
STARTED: dict[str, float] = {}
LAST_USED: dict[str, float] = {}


class PageLimitReached(web.HTTPError):
    def __init__(self, sentence: str):
        super().__init__(429, sentence)
        self.sentence = sentence


def _ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    return "less than a minute ago" if minutes < 1 else "1 minute ago" if minutes == 1 else f"{minutes} minutes ago"


def page_limit_sentence(limit: int, open_pages: list[str], now: float) -> str:
    """Which tab to close: the one whose page was used least recently."""
    oldest = min(open_pages, key=lambda k: (LAST_USED.get(k, STARTED.get(k, now)), STARTED.get(k, now)))
    opened = _ago(now - STARTED.get(oldest, now))
    used = LAST_USED.get(oldest)
    last = f"last used {_ago(now - used)}" if used is not None else "not used since"
    pages = "page" if limit == 1 else "pages"
    return (f"You already have {limit} workbench {pages} open, the most one person may have at "
            f"once. Close one of your other workbench tabs: the one used least recently was opened "
            f"{opened}, {last}. Then reload this page.")


REFUSAL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CCM Workbench: too many open pages</title></head>
<body style="font-family:sans-serif;max-width:42em;margin:4em auto;color:#1f2937">
<h1 style="color:#1d4e89;font-size:1.4em">Too many workbench pages are open</h1>
<p class="ccm-refusal ccm-page-limit">{message}</p>
</body></html>
"""


class GuardedPage:
    """Mixin for Voila's page handler: the page's kernel is counted against its person."""

    async def get(self, *args, **kwargs):
        page = {"owner": self.application.settings["workbench_page_owner"](self), "kernels": []}
        token = _PAGE.set(page)
        try:
            return await super().get(*args, **kwargs)
        finally:
            _PAGE.reset(token)
            RENDERING.difference_update(page["kernels"])

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, PageLimitReached):
            self.set_status(429)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(REFUSAL_PAGE.format(message=html.escape(exc.sentence)))
            return
        super().write_error(status_code, **kwargs)


def hub_person(handler) -> str | None:
    return getattr(handler.current_user, "username", None)


def one_person(handler) -> str:
    return THIS_SERVER


def _kernel_pid(kernel) -> int | None:
    process = getattr(getattr(kernel, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def guarded_kernel_manager(base: type, limits: Limits) -> type:
    """``base`` (the app's kernel manager class) with the page limit, memory limits and culling."""

    class GuardedKernelManager(base):
        _guard_tick = None
        _pending: dict = {}
        _alone_since: dict = {}

        async def start_kernel(self, *args, **kwargs):
            page = _PAGE.get()
            if page is None:
                return await super().start_kernel(*args, **kwargs)
            owner = page["owner"]
            mine = await self._open_pages(owner)
            if len(mine) + self._pending.get(owner, 0) >= limits.max_pages:
                self.log.warning("Page refused: %d pages already open for one person (limit %d)",
                                 len(mine), limits.max_pages)
                raise PageLimitReached(page_limit_sentence(limits.max_pages, mine or ["?"], time.monotonic()))
            self._pending[owner] = self._pending.get(owner, 0) + 1
            try:
                kernel_id = await super().start_kernel(*args, **kwargs)
            finally:
                self._pending[owner] -= 1
            OWNERS[kernel_id] = owner
            STARTED[kernel_id] = time.monotonic()
            page["kernels"].append(kernel_id)
            RENDERING.add(kernel_id)
            self._limit_address_space(kernel_id)
            self._start_watch()
            return kernel_id

        def _counted(self, owner: str) -> list[str]:
            return [k for k, o in OWNERS.items() if o == owner and k in self and k not in LEAVING]

        async def _open_pages(self, owner: str) -> list[str]:
            """The person's open pages; at the limit, wait briefly for one that is leaving."""
            deadline = time.monotonic() + LEAVE_GRACE_SECONDS
            mine = self._counted(owner)
            while len(mine) + self._pending.get(owner, 0) >= limits.max_pages and time.monotonic() < deadline:
                await asyncio.sleep(0.1)  # a tab's next page: its old one closes meanwhile
                mine = self._counted(owner)
            return mine

        def _limit_address_space(self, kernel_id: str) -> None:
            if not limits.kernel_address_space_mb:
                return
            pid = _kernel_pid(self.get_kernel(kernel_id))
            cap = limits.kernel_address_space_mb * 2 ** 20
            if pid is not None:
                try:
                    resource.prlimit(pid, resource.RLIMIT_AS, (cap, cap))
                except (OSError, ValueError) as err:
                    self.log.warning("Could not limit kernel %s's memory: %s", kernel_id, err)

        def _start_watch(self) -> None:
            if self._guard_tick is None and (limits.kernel_memory_mb or limits.dead_tab_minutes):
                self._guard_tick = PeriodicCallback(self._watch, limits.check_seconds * 1000)
                self._guard_tick.start()

        async def _watch(self) -> None:
            import psutil

            now = time.monotonic()
            for kernel_id in list(self.list_kernel_ids()):
                reason = None
                if self._kernel_connections.get(kernel_id, 0) > 0 or kernel_id in RENDERING:
                    self._alone_since.pop(kernel_id, None)
                else:
                    alone = now - self._alone_since.setdefault(kernel_id, now)
                    if limits.dead_tab_minutes and alone >= limits.dead_tab_minutes * 60:
                        reason = f"no page connected for {alone / 60:.1f} minutes"
                pid = _kernel_pid(self.get_kernel(kernel_id)) if kernel_id in self else None
                if reason is None and limits.kernel_memory_mb and pid is not None:
                    try:
                        rss = psutil.Process(pid).memory_info().rss
                    except psutil.Error:
                        continue
                    if rss > limits.kernel_memory_mb * 2 ** 20:
                        reason = f"{rss // 2 ** 20} MB resident, over the {limits.kernel_memory_mb} MB limit"
                if reason is not None:
                    self.log.warning("Kernel %s shut down: %s", kernel_id, reason)
                    try:
                        await ensure_async(self.shutdown_kernel(kernel_id, now=True))
                    except Exception as err:  # noqa: BLE001 - the next tick tries again
                        self.log.warning("Kernel %s did not shut down: %s", kernel_id, err)

        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            LEAVING.add(kernel_id)  # the page's shutdown beacon (or a cull): no longer an open page
            return await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))

        async def page_gone(self, kernel_id: str) -> None:
            """A page closed (websocket closed with "going away"): shut its kernel down unless
            another websocket is on it. Voila's own shutdown beacon does the same when it arrives."""
            if kernel_id in self and self._kernel_connections.get(kernel_id, 0) == 0:
                self.log.info("Kernel %s shut down: its page was closed", kernel_id)
                try:
                    await ensure_async(self.shutdown_kernel(kernel_id, now=True))
                except KeyError:
                    pass  # the page's shutdown beacon came first

        def remove_kernel(self, kernel_id):
            for table in (OWNERS, STARTED, LAST_USED, self._alone_since):
                table.pop(kernel_id, None)
            RENDERING.discard(kernel_id)
            LEAVING.discard(kernel_id)
            return super().remove_kernel(kernel_id)

    GuardedKernelManager.__name__ = f"Guarded{base.__name__}"
    return GuardedKernelManager


def _wrap(cls: type) -> type:
    if issubclass(cls, KernelWebsocketHandler) and not issubclass(cls, GuardedWebsocket):
        return type(f"Guarded{cls.__name__}", (GuardedWebsocket, cls), {})
    if issubclass(cls, TornadoVoilaHandler) and not issubclass(cls, GuardedPage):
        return type(f"Guarded{cls.__name__}", (GuardedPage, cls), {})
    return cls


def guarded(app_class: type, per_hub_user: bool = False, limits: Limits | None = None) -> type:
    """``app_class`` (a Voila application) with the guards installed."""

    class Guarded(app_class):
        guard_limits = limits

        def init_settings(self):
            try:
                lim = self.guard_limits or Limits.from_env()
            except ValueError as err:
                raise SystemExit(str(err)) from None
            self.guard_limits = lim
            conf = self.voila_configuration
            conf.multi_kernel_manager_class = guarded_kernel_manager(conf.multi_kernel_manager_class, lim)
            settings = super().init_settings()
            settings["websocket_max_message_size"] = lim.max_message_kb * 1024
            settings["workbench_page_owner"] = hub_person if per_hub_user else one_person
            settings["workbench_page_gone"] = self.kernel_manager.page_gone
            return settings

        def init_handlers(self):
            return [(pattern, _wrap(cls), *rest) for pattern, cls, *rest in super().init_handlers()]

    Guarded.__name__ = f"Guarded{app_class.__name__}"
    return Guarded


def main(argv: list[str] | None = None) -> None:
    """``python -m workbench.serving.guards NOTEBOOKS [voila options]``: Voila with the guards."""
    from voila.app import Voila

    try:
        limits = Limits.from_env()
    except ValueError as err:
        raise SystemExit(str(err)) from None
    guarded(Voila, limits=limits).launch_instance(argv=sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":  # pragma: no cover
    main()
