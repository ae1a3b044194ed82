"""The guards on a real voila started the way ``workbench serve`` starts it: the websocket flood
refused, message size bounded, a kernel over its memory limit ends alone, a dead tab is culled."""

from __future__ import annotations

import asyncio
import base64
import glob
import os
import re
import socket

import psutil
import pytest
from guard_helpers import kernel_alive, kernel_processes, open_page, wait_until
from jupyter_client import BlockingKernelClient
from tornado.httpclient import HTTPClientError
from tornado.websocket import websocket_connect

from workbench.serving.guards import V1

pytestmark = pytest.mark.slow


def _ws_url(server, kernel_id: str) -> str:
    return f"ws://127.0.0.1:{server['port']}/api/kernels/{kernel_id}/channels?session_id=probe"


def _connect(server, kernel_id: str, subprotocols):
    async def go():
        conn = await websocket_connect(_ws_url(server, kernel_id), subprotocols=subprotocols)
        chosen = conn.selected_subprotocol
        conn.close()
        return chosen

    return asyncio.run(go())


def _hold_websocket(server, kernel_id: str) -> socket.socket:
    """A v1 websocket opened by hand and held, as a page's is (so its kernel is not a dead tab);
    the test may later cut the TCP connection with no close frame (a crashed tab, a lost network)."""
    sock = socket.create_connection(("127.0.0.1", server["port"]), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /api/kernels/{kernel_id}/channels?session_id=gone HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{server['port']}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Sec-WebSocket-Protocol: {V1}\r\n\r\n").encode())
    assert sock.recv(4096).startswith(b"HTTP/1.1 101")
    return sock


def test_websocket_without_v1_is_refused_and_memory_stays_bounded(guarded_server):
    """The attack: websockets to one's own kernel without the v1 subprotocol (then a widget reply
    with a binary buffer made Voila build a list sized by 8 bytes of it). Each is refused before
    it opens, the refusal is logged, and the server's memory does not grow."""
    kernel_id = open_page(guarded_server["base"])
    page = _hold_websocket(guarded_server, kernel_id)
    server = psutil.Process(guarded_server["proc"].pid)
    before = server.memory_info().rss
    for _ in range(20):
        with pytest.raises(HTTPClientError) as refused:
            _connect(guarded_server, kernel_id, None)
        assert refused.value.code == 400
    assert server.memory_info().rss - before < 30 * 2 ** 20
    assert kernel_alive(guarded_server["base"], kernel_id)
    log = guarded_server["log"].read_text()
    assert log.count(f"Kernel websocket refused: it did not ask for the {V1} protocol (kernel {kernel_id})") == 20
    # the browser's way (v1) is accepted
    assert _connect(guarded_server, kernel_id, [V1]) == V1
    page.close()


def test_a_message_over_the_size_limit_closes_its_websocket(guarded_server):
    kernel_id = open_page(guarded_server["base"])

    async def go():
        conn = await websocket_connect(_ws_url(guarded_server, kernel_id), subprotocols=[V1])
        await conn.write_message(b"\0" * (65 * 1024), binary=True)  # the limit is 64 KB here
        return await conn.read_message(), conn.close_code

    assert asyncio.run(go()) == (None, 1009)  # 1009: message too big (RFC 6455)
    assert kernel_alive(guarded_server["base"], kernel_id)


def _connection_file(server, kernel_id: str) -> str:
    folder = re.search(r"Storing connection files in (\S+?)\.?$", server["log"].read_text(), re.M).group(1)
    (found,) = glob.glob(os.path.join(folder, f"kernel-{kernel_id}.json"))
    return found


def _kernel_client(server, kernel_id: str) -> BlockingKernelClient:
    client = BlockingKernelClient(connection_file=_connection_file(server, kernel_id))
    client.load_connection_file()
    client.start_channels()
    return client


def _pid_of(server, kernel_id: str) -> int:
    for p in psutil.Process(server["proc"].pid).children(recursive=True):
        if any(kernel_id in part for part in p.cmdline()):
            return p.pid
    raise AssertionError(f"no process for kernel {kernel_id}")


def test_a_kernel_over_its_memory_limit_dies_alone(guarded_server):
    base = guarded_server["base"]
    other, greedy = open_page(base), open_page(base)
    pages = [_hold_websocket(guarded_server, k) for k in (other, greedy)]
    pid = _pid_of(guarded_server, greedy)
    assert psutil.Process(pid).rlimit(psutil.RLIMIT_AS) == (3072 * 2 ** 20, 3072 * 2 ** 20)
    client = _kernel_client(guarded_server, greedy)  # as if the page's work grew past the limit
    try:
        client.execute("hoard = b'x' * (600 * 2 ** 20)")
        wait_until(lambda: not kernel_alive(base, greedy), timeout=60)
    finally:
        client.stop_channels()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert re.search(rf"Kernel {greedy} shut down: \d+ MB resident, over the 400 MB limit",
                     guarded_server["log"].read_text())
    assert kernel_alive(base, other)
    assert guarded_server["proc"].poll() is None
    open_page(base)  # the server still serves pages
    for sock in pages:
        sock.close()


def _connections(base: str, kernel_id: str) -> int:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=10) as resp:
        return json.loads(resp.read())["connections"]


def test_a_dead_tab_is_culled_even_while_its_kernel_is_busy(fresh_guarded_server):
    guarded_server = fresh_guarded_server
    """Dead tab after 15 s here. While its websocket is open the kernel stays, well past 15 s;
    once the connection is cut, it is shut down within the limit, although the kernel keeps
    talking all the while (as the timer bar's tick does, which keeps Jupyter's idle culler away)."""
    base = guarded_server["base"]
    kernel_id = open_page(base)
    sock = _hold_websocket(guarded_server, kernel_id)
    client = _kernel_client(guarded_server, kernel_id)
    try:
        wait_until(lambda: _connections(base, kernel_id) == 1, timeout=30)
        for _ in range(10):  # 20 s connected and busy: not a dead tab
            client.kernel_info()
            asyncio.run(asyncio.sleep(2))
        assert kernel_alive(base, kernel_id)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")  # reset, no close frame
        sock.close()

        def gone():
            client.kernel_info()  # the kernel keeps busy until it is culled
            return not kernel_alive(base, kernel_id)

        took = wait_until(gone, timeout=60, step=1)
    finally:
        client.stop_channels()
    assert 10 <= took <= 40, took
    assert re.search(rf"Kernel {kernel_id} shut down: no page connected for 0\.\d minutes",
                     guarded_server["log"].read_text())


def test_page_loads_at_the_same_moment_never_pass_the_limit(fresh_guarded_server):
    guarded_server = fresh_guarded_server
    """Six pages of one person asked for at once: four open, two are refused with the sentence."""
    import urllib.error
    from concurrent.futures import ThreadPoolExecutor

    base = guarded_server["base"]
    wait_until(lambda: kernel_processes(guarded_server["proc"]) == [], timeout=60)

    def load(_):
        try:
            return open_page(base)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(load, range(6)))
    opened = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if not isinstance(r, str)]
    assert len(opened) == 4 and len(refused) == 2, results
    assert all(code == 429 and "You already have 4 workbench pages open" in body for code, body in refused)
    held = [_hold_websocket(guarded_server, k) for k in opened]  # as four open tabs
    assert all(kernel_alive(base, k) for k in opened)
    for sock in held:
        sock.close()
