"""Every chart action a rubric can check is doable in the pages: the barrier editor (add, update,
resolve; each a new row superseding the old), the contact's "With" typed freely, the medicine's
frequency; and a trainee's barrier written in the chart meets the scenario's criterion."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import MANAGER, TRAINEE, live_patient  # noqa: E402

from workbench import records as r  # noqa: E402
from workbench.errors import InvalidInput  # noqa: E402
from workbench.service import Workbench  # noqa: E402
from workbench.store import schema as s  # noqa: E402
from workbench.ui.barriers_tab import BarriersTab  # noqa: E402
from workbench.ui.chart import ChartView  # noqa: E402
from workbench.ui.contacts_tab import ContactsTab  # noqa: E402

from training.attempts import StoreAttempts  # noqa: E402
from training.ui.trainee import TraineeHome  # noqa: E402


@pytest.fixture
def manager(db):
    wb = Workbench.open(db).as_user(MANAGER.id)
    return wb, live_patient(wb)


def barrier_rows(wb, pid):
    from sqlalchemy import select

    with wb.read() as conn:
        return list(conn.execute(select(s.barriers).where(s.barriers.c.patient_id == pid).order_by(s.barriers.c.id)))


def test_barrier_tab_adds_updates_and_resolves_as_new_rows(manager):
    wb, pid = manager
    tab = BarriersTab(wb, pid)
    assert "No barriers recorded" in tab.list.value
    tab.domain.value = "transportation"
    tab.add()
    assert "Description is required" in tab.add_msg.value and not barrier_rows(wb, pid)  # message by its button
    tab.description.value = "Sold her car; no way to the colonoscopy"
    tab.action.value = "Plan ride benefit booked"
    tab.status.value = "in_progress"
    added = tab.add()
    assert added.status == r.BarrierStatus.IN_PROGRESS and added.action == "Plan ride benefit booked"
    assert "Barrier added" in tab.add_msg.value and tab.description.value == ""
    tab.add()  # a second click with the cleared form writes nothing
    assert len(barrier_rows(wb, pid)) == 1

    tab.pick.value = added.id
    assert tab.new_action.value == "Plan ride benefit booked"  # the editor loads the barrier
    tab.update()
    assert "Nothing changed" in tab.update_msg.value
    tab.new_status.value = "resolved"
    tab.new_action.value = ""
    tab.update()
    assert "What was arranged is required" in tab.update_msg.value
    tab.new_action.value = "Plan ride booked: pickup 7:30, return trip included"
    tab.new_resolution.value = "Ride confirmed with the plan the day before"
    done = tab.update()
    assert done.status == r.BarrierStatus.RESOLVED and done.resolution.startswith("Ride confirmed")
    rows = barrier_rows(wb, pid)
    assert len(rows) == 2 and rows[1].supersedes_id == rows[0].id  # append-only: the old row stays
    (current,) = wb.barriers(pid)
    assert current.id == done.id and tab.pick.value == done.id
    assert "Ride confirmed" in tab.list.value and "Resolved" in tab.list.value


def test_barrier_description_escaped_and_resolution_only_when_resolved(manager):
    wb, pid = manager
    tab = BarriersTab(wb, pid)
    tab.description.value = '<img src=x onerror=alert(1)>'
    tab.resolution.value = "solved"
    tab.add()
    assert "only when the barrier is resolved" in tab.add_msg.value and not barrier_rows(wb, pid)
    tab.resolution.value = ""
    tab.add()
    assert "<img" not in tab.list.value and "&lt;img" in tab.list.value
    with pytest.raises(InvalidInput):
        wb.update_barrier(wb.barriers(pid)[0].id, "open", resolution="x")


def test_sdoh_screen_barriers_appear_in_the_barrier_tab_of_the_chart(manager):
    wb, pid = manager
    chart = ChartView(wb, pid)
    tab = chart.select("Barriers")
    wb.record_sdoh(pid, {"food": True, "housing": False})
    chart.recorded("screening")
    assert "Food" in tab.list.value and len(tab.pick.options) == 2


def test_contact_with_is_free_text_with_suggestions(manager):
    wb, pid = manager
    tab = ContactsTab(wb, pid)
    assert "caregiver" in tab.with_whom.options and not tab.with_whom.ensure_option
    tab.with_whom.value = "rheumatology"
    tab.note.value = "Asked for the overdue appointment"
    tab.log_contact()
    tab.with_whom.value = " "
    tab.log_contact()
    assert "Say whom" in tab.msg.value
    (c,) = wb.contacts(pid)
    assert c.with_whom == "rheumatology" and "rheumatology" in tab.list.value


def test_medicine_frequency_is_added_and_changed(db, library):
    wb = Workbench.open(db).as_user(TRAINEE.id)
    view = TraineeHome(wb, StoreAttempts(wb)).start("discharge-med-reconciliation")
    meds = view.work.children[1].children[0]
    meds.name.value, meds.dose.value, meds.frequency.value = "sacubitril/valsartan", "24/26 mg", "twice daily"
    meds.reason.value = "Started at discharge"
    meds.save()
    tw = view.attempt.workbench
    added = next(m for m in tw.medications(view.attempt.patient_id) if m.name.startswith("sacubitril"))
    assert added.frequency == "twice daily"
    meds.pick.value = added.id
    meds.frequency.value = "once daily"
    meds.reason.value = "Prescriber changed it"
    meds.save()
    changed = next(m for m in tw.medications(view.attempt.patient_id)
                   if m.name.startswith("sacubitril") and m.status == "active")
    assert changed.frequency == "once daily" and "once daily" in meds.list.value


def test_care_plan_interventions_and_text_fields_typed_in_the_editor_are_checkable(db, library):
    from training.checks import find_ref
    from training.checks_model import Ref
    from training.evidence import scope_facts
    from training.grading import case_context

    wb = Workbench.open(db).as_user(TRAINEE.id)
    view = TraineeHome(wb, StoreAttempts(wb)).start("checkin-hypertension-arthritis")
    tw, pid = view.attempt.workbench, view.attempt.patient_id
    editor = view.chart.careplan
    row = editor.add_intervention()
    row.description.value = "Chair exercises from the approved plan, three times a week"
    row.responsible.value = "care manager"
    editor.fields["environmental_evaluation"].value = "Two steps at the front door; no grab bars yet"
    editor.reason.value = "Knee pain on walks"
    editor.save()

    rec = view.attempt.record
    ctx = case_context(rec, rec.case(pid), view.attempt.scenario, scope_facts(tw, [pid]))

    def met(**flt):
        return find_ref(Ref.model_validate({"record": flt}), ctx).met

    assert met(type="intervention", note_contains=["chair exercises"])
    assert met(type="care_plan_text", note_contains=["grab bars"])
    assert not met(type="intervention", note_contains=["water aerobics"])


def test_an_escalation_opened_between_calls_offers_the_minutes_instead_of_a_timer(db, library):
    """The attempt clock stands still between calls: a timer started then would record nothing
    and could never be stopped, so the practice chart offers to log the minutes instead; on a
    call, opening an escalation starts the timer, as at work."""
    wb = Workbench.open(db).as_user(TRAINEE.id)
    view = TraineeHome(wb, StoreAttempts(wb)).start("never-answers")
    tw, pid = view.attempt.workbench, view.attempt.patient_id
    if view.attempt.record.active is not None:
        view.pane.hang_up()  # the call is over: the clock stands still
    assert not view.attempt.clock.running
    tab = view.chart.select("Escalation")
    tab.open_reason.value = "High-risk patient silent for five weeks"
    tab.open_escalation()
    assert tw.running_timer() is None
    assert view.work_bar.pending_offer is not None and view.work_bar.offer_box.layout.display is None

    view.attempt.call(pid)  # on a call the clock runs: the crisis call's time is captured
    assert view.attempt.clock.running
    tab.open_reason.value = "He answers and says he has chest pain"
    tab.severity.value = "emergent"
    tab.open_escalation()
    assert tw.running_timer() is not None and tw.running_timer().patient_id == pid
