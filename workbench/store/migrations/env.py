"""Alembic environment: runs migrations on the engine the workbench handed over."""

from alembic import context

from workbench.store.schema import metadata

config = context.config
engine = config.attributes.get("engine")


def run_migrations_online() -> None:
    if engine is None:  # pragma: no cover - alembic CLI use
        from workbench.store.engine import make_engine

        connectable = make_engine(config.get_main_option("sqlalchemy.url"))
    else:
        connectable = engine
    with connectable.connect() as connection:
        connection = connection.execution_options(workbench_write=True)
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
