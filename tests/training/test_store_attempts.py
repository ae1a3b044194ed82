"""Attempts in the store's append-only training tables, on SQLite and PostgreSQL."""

from sqlalchemy import text

from workbench.records import Credential, Role, User
from workbench.service import Workbench

from training.attempts import StoreAttempts
from training.engine import play_path, resume_attempt, start_attempt
from training.grading import grade_attempt, override_criterion, release_feedback

OD = "overdose-confusion"


def test_attempt_lives_in_the_store_and_every_save_is_kept(db_url, library):
    wb = Workbench.open(db_url)
    wb.add_user(User("TR01", "Tara Trainee", Role.TRAINEE, Credential.CMA))
    wb.add_user(User("SV01", "Sam Supervisor", Role.SUPERVISOR, Credential.RN))
    sc = library[OD]
    a = start_attempt(wb, sc, "TR01", seed=3, repo=StoreAttempts(wb))
    play_path(a, sc.model_path[:3], patient_id=a.patient_id)  # not ended: another kernel goes on
    again = resume_attempt(wb, sc, StoreAttempts(wb), a.id)
    assert again.record.transcript == a.record.transcript
    assert again.clock.peek() == a.clock.peek()
    assert [o.id for o in again.options()] == [o.id for o in a.options()]
    play_path(again, sc.model_path[3:])
    repo = StoreAttempts(wb)
    rec = repo.get_attempt(a.id)
    assert rec.status == "finished"
    assert [x.id for x in repo.find_attempts(trainee_id="TR01")] == [a.id]
    assert repo.find_attempts(trainee_id="nobody") == []
    grade = grade_attempt(wb, sc, rec)
    assert grade.passed and grade.percent == 100
    crit = grade.results[0].criterion_id
    sup_repo = StoreAttempts(wb.as_user("SV01"))
    override_criterion(sup_repo, sc, a.id, crit, 0, False, "Transfer was not warm")
    release_feedback(sup_repo, a.id)
    rec = repo.get_attempt(a.id)
    assert rec.released and rec.overrides[-1].comment == "Transfer was not warm"
    assert not grade_attempt(wb, sc, rec).passed  # the override decides a critical criterion
    with wb.engine.connect() as conn:
        states = conn.execute(text("SELECT COUNT(*) FROM training_events WHERE attempt_id = :a"),
                              {"a": a.id}).scalar_one()
    assert states >= len(sc.model_path) + 2  # one state per save, none overwritten


def _finished_attempt(db_url, library, clock=None):
    wb = Workbench.open(db_url, clock=clock) if clock else Workbench.open(db_url)
    for u in (User("TR01", "Tara Trainee", Role.TRAINEE, Credential.CMA),
              User("TR02", "Omar Other", Role.TRAINEE, Credential.RMA),
              User("SV01", "Sam Supervisor", Role.SUPERVISOR, Credential.RN),
              User("CM01", "Cara Manager", Role.CARE_MANAGER, Credential.RN)):
        wb.add_user(u)
    sc = library[OD]
    trainee = wb.as_user("TR01")
    a = start_attempt(trainee, sc, "TR01", seed=3, repo=StoreAttempts(trainee))
    play_path(a, sc.model_path)
    return wb, sc, a.id


def _states(wb, attempt_id):
    with wb.engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM training_events WHERE attempt_id = :a"),
                            {"a": attempt_id}).scalar_one()


def test_only_the_trainee_saves_their_attempt_and_only_a_supervisor_grades(db_url, library):
    import pytest

    from workbench.errors import PermissionDenied

    wb, sc, aid = _finished_attempt(db_url, library)
    kept = _states(wb, aid)
    crit = sc.criteria[0].id
    # another trainee, a care manager: may not write the attempt's play
    for who in ("TR02", "CM01"):
        repo = StoreAttempts(wb.as_user(who))
        rec = repo.get_attempt(aid)
        rec.reflection = {"What would you do differently?": "nothing"}
        with pytest.raises(PermissionDenied, match="only that trainee plays it"):
            repo.save_attempt(rec)
    # a supervisor may not rewrite the trainee's play either
    sup = StoreAttempts(wb.as_user("SV01"))
    rec = sup.get_attempt(aid)
    rec.transcript = rec.transcript[:1]
    with pytest.raises(PermissionDenied, match="only that trainee plays it"):
        sup.save_attempt(rec)
    # the trainee may not grade or release their own attempt, however it is called
    own = StoreAttempts(wb.as_user("TR01"))
    with pytest.raises(PermissionDenied, match="Only a supervisor"):
        release_feedback(own, aid)
    with pytest.raises(PermissionDenied, match="Only a supervisor"):
        override_criterion(own, sc, aid, crit, 5, True, "I did well")
    rec = own.get_attempt(aid)
    rec.released, rec.released_by = True, "TR01"
    with pytest.raises(PermissionDenied, match="Only a supervisor"):
        own.save_attempt(rec)
    # naming a supervisor does not make a trainee one: the signed-in user grades
    with pytest.raises(PermissionDenied, match="signed-in supervisor"):
        release_feedback(own, aid, wb.get_user("SV01"))
    assert _states(wb, aid) == kept  # nothing written by any refused call
    assert not own.get_attempt(aid).released
    # the trainee's own reflection is theirs to save
    rec = own.get_attempt(aid)
    rec.reflection = {"What would you do differently?": "Ask about the pill organiser first."}
    own.save_attempt(rec)
    assert _states(wb, aid) == kept + 1


def test_grades_are_stamped_with_the_signed_in_supervisor_and_the_workbench_clock(db_url, library):
    from datetime import UTC, datetime

    from workbench.clock import FixedClock

    at = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
    wb, sc, aid = _finished_attempt(db_url, library, clock=FixedClock(at))
    sup = StoreAttempts(wb.as_user("SV01"))
    override_criterion(sup, sc, aid, sc.criteria[0].id, 0, False, "Not warm")
    rec = release_feedback(sup, aid)
    assert (rec.overrides[-1].by, rec.overrides[-1].at) == ("SV01", at)
    assert (rec.released_by, rec.released_at) == ("SV01", at)
