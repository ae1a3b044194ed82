"""The PostgreSQL connection budget: one process keeps one connection between clicks (a team
machine runs a server and a few pages a person against one ``max_connections``), the limits are
settings with checked values, and a server with no free connection is a sentence, not a
"cannot reach"."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import _plain, as_role, new_app_database
from workbench.errors import DatabaseFault
from workbench.store.engine import POOL_OVERFLOW, POOL_SIZE, make_engine, pool_limits


@pytest.mark.parametrize("env, limits", [
    ({}, (POOL_SIZE, POOL_OVERFLOW)),
    ({"WORKBENCH_DB_POOL_SIZE": "3", "WORKBENCH_DB_POOL_OVERFLOW": "0"}, (3, 0)),
    ({"WORKBENCH_DB_POOL_SIZE": " 50 "}, (50, POOL_OVERFLOW)),
])
def test_pool_limits_are_settings(monkeypatch, env, limits):
    for var in ("WORKBENCH_DB_POOL_SIZE", "WORKBENCH_DB_POOL_OVERFLOW"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert pool_limits() == limits


@pytest.mark.parametrize("var, value", [
    ("WORKBENCH_DB_POOL_SIZE", "0"), ("WORKBENCH_DB_POOL_SIZE", "51"), ("WORKBENCH_DB_POOL_SIZE", "two"),
    ("WORKBENCH_DB_POOL_OVERFLOW", "-1"), ("WORKBENCH_DB_POOL_OVERFLOW", "1.5"),
])
def test_pool_limits_out_of_range_are_refused_with_the_variable_named(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(ValueError, match=f"{var}=.* out of range"):
        pool_limits()


def _connections(base: str, database: str) -> int:
    with psycopg.connect(_plain(base) + "/postgres", autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                            (database,)).fetchone()[0]


@pytest.mark.postgres
def test_a_process_keeps_one_connection_between_clicks(pg_server):
    from workbench.service import Workbench

    url = new_app_database(pg_server)
    database = url.rsplit("/", 1)[1]
    wb = Workbench.open(url)
    try:
        with wb.read(), wb.read(), wb.read():  # a page, its heartbeat and a report at one moment
            assert _connections(pg_server, database) == 3
        assert _connections(pg_server, database) == 1  # the overflow went back; one stays open
    finally:
        wb.engine.dispose()


@pytest.mark.postgres
def test_no_free_connection_is_a_sentence_not_cannot_reach(pg_server):
    from workbench.service import Workbench
    from workbench.service.core import SYSTEM_USER

    url = new_app_database(pg_server)
    with psycopg.connect(_plain(pg_server) + "/postgres", autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS ccm_capped")
        admin.execute("CREATE ROLE ccm_capped LOGIN CONNECTION LIMIT 1 IN ROLE ccm_app")
    capped = as_role(url, "ccm_capped")
    with psycopg.connect(_plain(capped)):  # someone else holds the role's one connection
        engine = make_engine(capped)
        try:
            with pytest.raises(DatabaseFault) as caught:
                Workbench(engine, SYSTEM_USER).users()
        finally:
            engine.dispose()
    text = str(caught.value)
    assert "has no free connection" in text and "max_connections" in text and "Cannot reach" not in text
