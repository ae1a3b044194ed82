"""Work on the kernel's event loop, a moment from now: the chart's first tab after its header has
been painted."""

from __future__ import annotations

from collections.abc import Callable


def later(fn: Callable[[], object], delay: float = 0.02) -> None:
    """Run ``fn`` on the kernel's event loop a moment from now, so the browser paints what was
    just sent (the chart header) before the next burst of widgets (its first tab) arrives.
    Outside a running loop (tests, scripts) ``fn`` runs at once."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None:
        try:
            from tornado.ioloop import IOLoop

            current = IOLoop.current(instance=False)
            loop = current.asyncio_loop if current is not None else None
        except Exception:  # noqa: BLE001 - no tornado loop: run now
            loop = None
    if loop is None or not loop.is_running():
        fn()
        return
    loop.call_later(delay, fn)
