"""Run Voila for ``workbench demo`` / ``workbench serve`` and stop it with every kernel it started.

Voila starts in its own session, so the terminal's Ctrl+C reaches only the ``workbench``
process (Jupyter's own "Shutdown this server (y/[n])?" prompt never blocks a stop). On Ctrl+C,
SIGTERM or SIGHUP the command asks Voila to stop (SIGTERM, so it shuts its kernels down
itself), waits, then ends whatever is left of Voila's process tree: kernels run in their own
sessions (jupyter_client starts them with ``start_new_session``), so they are found as Voila's
descendants before it exits and ended one by one. Nothing is left on the port.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence

GRACE_SECONDS = 10.0


class _Stop(Exception):
    pass


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def stop_tree(proc: subprocess.Popen, grace: float = GRACE_SECONDS) -> int:
    """Stop ``proc`` and every process under it; returns its exit code."""
    import psutil

    known = {p.pid: p for p in _descendants(proc.pid)}
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            known.update({p.pid: p for p in _descendants(proc.pid)})
            proc.kill()
            proc.wait()
    left = [p for p in known.values() if p.is_running()]
    for p in left:
        try:
            p.terminate()
        except psutil.Error:
            pass
    _gone, alive = psutil.wait_procs(left, timeout=5)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=5)
    return proc.returncode


def run_until_stopped(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Start ``argv`` and wait; on Ctrl+C, SIGTERM or SIGHUP stop it and all its children."""
    proc = subprocess.Popen(list(argv), env=dict(env), start_new_session=True)

    def _raise(signum, _frame):
        raise _Stop(signum)

    previous = {sig: signal.signal(sig, _raise) for sig in (signal.SIGTERM, signal.SIGHUP)}
    previous[signal.SIGINT] = signal.getsignal(signal.SIGINT)
    try:
        code = proc.wait()
        stop_tree(proc)  # Voila ended by itself: its kernels go with it
        return code
    except (KeyboardInterrupt, _Stop):
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # a second signal must not interrupt the clean-up
        stop_tree(proc)
        print("Stopped Voila and its kernels.", flush=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def child_environment(extra: Mapping[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}
