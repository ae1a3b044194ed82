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
    override_criterion(repo, sc, a.id, crit, 0, False, "Transfer was not warm", wb.get_user("SV01"))
    release_feedback(repo, a.id, wb.get_user("SV01"))
    rec = repo.get_attempt(a.id)
    assert rec.released and rec.overrides[-1].comment == "Transfer was not warm"
    assert not grade_attempt(wb, sc, rec).passed  # the override decides a critical criterion
    with wb.engine.connect() as conn:
        states = conn.execute(text("SELECT COUNT(*) FROM training_events WHERE attempt_id = :a"),
                              {"a": a.id}).scalar_one()
    assert states >= len(sc.model_path) + 2  # one state per save, none overwritten
