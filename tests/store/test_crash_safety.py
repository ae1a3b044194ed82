"""A kernel killed with SIGKILL loses nothing it committed; its running timer is listed after."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from workbench.service import Workbench

SCRIPT = textwrap.dedent("""
    import sys, time
    from workbench.service import Workbench
    wb = Workbench.open(sys.argv[1], user="S001")
    wb.log_time("P00001", 15, "patient_call", "Called about BP readings")
    wb.start_timer("P00002", "record_review", note="Reviewing discharge summary")
    print("READY", flush=True)
    time.sleep(600)
""")


def test_sigkill_keeps_committed_rows_and_the_open_timer(wb, db_url):
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, db_url], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        line = ""
        while time.time() < deadline and "READY" not in line:
            line = proc.stdout.readline()
        assert "READY" in line
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    from workbench import service

    engine = service._ENGINES.pop(db_url)
    engine.dispose()  # reopen from scratch, as a restarted kernel would
    again = Workbench.open(db_url, user="S001")
    (entry,) = again.time_entries("P00001")
    assert entry.seconds == 15 * 60 and entry.note == "Called about BP readings"
    (timer,) = again.open_timers()
    assert timer.patient_id == "P00002" and timer.staff_id == "S001"
    assert again.running_timer().id == timer.id
