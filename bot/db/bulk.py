"""Writing many rows at once on PostgreSQL: `COPY`, the way the server is built to take them.

An executemany or a multi-row INSERT goes through SQLAlchemy's parameter handling and psycopg's
query conversion in Python for every row or every batch; at tens of thousands of rows that was
most of the time of a sync or a materialise. COPY streams the values (binary, typed by the
table's columns) and the server does the rest. SQLite has no COPY and does not need it: an
executemany there is a loop in C, and callers keep using it.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    import psycopg


def copy_values(
    table: sa.Table, rows: Sequence[Mapping[str, Any]], dialect: Dialect
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns and the rows as tuples: the keys of the first row (every row has the same
    keys), then the columns they leave out that have a default on the Python side (`status`),
    which an INSERT through SQLAlchemy would have filled in and COPY would leave NULL.

    Each distinct value still goes through its column's bind processor, which refuses what the
    column must never hold (a naive datetime, an unknown enum value); a column is rewritten only
    where the processor changes a value (UTC conversion keeps the moment, which is all COPY needs).
    """
    names = list(rows[0])
    pick = itemgetter(*names)
    values: list[tuple[Any, ...]] = [pick(row) if len(names) > 1 else (pick(row),) for row in rows]
    defaults = {
        column.name: column.default
        for column in table.c
        if column.name not in rows[0] and isinstance(column.default, sa.ColumnDefault)
    }
    if any(not default.is_scalar for default in defaults.values()):
        # A model change, not a user's mistake: COPY can fill a constant, not call a function per row.
        raise TypeError(f"COPY into {table.name}: a column default that is not a value")
    if defaults:
        extra = tuple(default.arg for default in defaults.values())
        names += list(defaults)
        values = [(*row, *extra) for row in values]
    for index, name in enumerate(names):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is None:
            continue
        try:
            distinct = {row[index] for row in values}
        except TypeError:  # unhashable (JSON): every value on its own
            values = [(*row[:index], processor(row[index]), *row[index + 1 :]) for row in values]
            continue
        mapped = {value: processor(value) for value in distinct}
        if any(type(new) is not type(old) or new != old for old, new in mapped.items()):
            values = [(*row[:index], mapped[row[index]], *row[index + 1 :]) for row in values]
    return names, values


def copy_rows(session: Session, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """PostgreSQL: COPY `rows` straight into `table`, in order (so serial ids follow it); returns
    how many. A duplicate key fails the statement, as a plain INSERT would."""
    if not rows:
        return 0
    names, values = copy_values(table, rows, session.get_bind().dialect)
    with _cursor(session) as cursor:
        return _copy(cursor, table.name, names, values)


def insert_new_rows(
    session: Session,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    unique: str,
    returning: Sequence[str] = (),
) -> tuple[list[tuple[Any, ...]], int]:
    """PostgreSQL: insert `rows`, skipping those whose `unique` column exists already (other
    writers may insert the same keys at the same time: no error); returns the `returning` columns
    of the rows inserted, in the order of `rows`, and how many there were.

    Without `returning`, the rows are copied straight into the table, inside a savepoint: callers
    leave out the keys they know, so a duplicate is rare (another writer got there first), and
    only then does the copy roll back to take the staging way. With `returning`, or after that:
    COPY into a staging table, then one INSERT … SELECT … ON CONFLICT DO NOTHING.
    """
    if not rows:
        return [], 0
    from psycopg import errors, sql

    names, values = copy_values(table, rows, session.get_bind().dialect)
    if not returning:
        with _cursor(session) as cursor:
            cursor.execute("SAVEPOINT nhacviec_copy")
            try:
                copied = _copy(cursor, table.name, names, values)
            except errors.UniqueViolation:
                cursor.execute("ROLLBACK TO SAVEPOINT nhacviec_copy")
            else:
                cursor.execute("RELEASE SAVEPOINT nhacviec_copy")
                return [], copied
    # One staging table per table and column list, private to the session and dropped at commit;
    # created once per transaction, emptied before each use.
    stage_name = f"nhacviec_stage_{table.name}_{zlib.crc32(','.join(names).encode()):08x}"
    stage, target, columns = sql.Identifier(stage_name), sql.Identifier(table.name), _columns(names)
    insert = sql.SQL(
        "INSERT INTO {target} ({columns}) SELECT {columns} FROM {stage} ORDER BY nhacviec_order "
        "ON CONFLICT ({unique}) DO NOTHING"
    ).format(target=target, columns=columns, stage=stage, unique=sql.Identifier(unique))
    if returning:
        insert += sql.SQL(" RETURNING {}").format(_columns(returning))
    with _cursor(session) as cursor:
        cursor.execute(
            sql.SQL(
                "CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "
                "SELECT CAST(NULL AS bigint) AS nhacviec_order, {columns} FROM {target} WITH NO DATA"
            ).format(stage=stage, columns=columns, target=target)
        )
        cursor.execute(sql.SQL("TRUNCATE {stage}").format(stage=stage))
        ordered = [(order, *row) for order, row in enumerate(values)]
        _copy(cursor, stage_name, ["nhacviec_order", *names], ordered)
        cursor.execute(insert)
        return (cursor.fetchall() if returning else []), cursor.rowcount


def _copy(
    cursor: psycopg.Cursor[tuple[Any, ...]],
    table: str,
    names: Sequence[str],
    values: Sequence[tuple[Any, ...]],
) -> int:
    """Binary COPY of `values` into the `names` columns of `table`."""
    from psycopg import sql

    types = _column_types(cursor, table, names)
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)").format(
        table=sql.Identifier(table), columns=_columns(names)
    )
    with cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in values:
            copy.write_row(row)
    return cursor.rowcount


def _cursor(session: Session) -> psycopg.Cursor[tuple[Any, ...]]:
    """A cursor on the session's own connection, inside its transaction."""
    session.flush()  # rows the ORM still holds (those these rows point at) go first
    connection = session.connection().connection.driver_connection
    assert connection is not None  # a live transaction holds its DBAPI connection
    cursor: psycopg.Cursor[tuple[Any, ...]] = connection.cursor()
    return cursor


def _columns(names: Sequence[str]) -> Any:
    from psycopg import sql

    return sql.SQL(", ").join(sql.Identifier(name) for name in names)


def _column_types(cursor: psycopg.Cursor[tuple[Any, ...]], table: str, names: Sequence[str]) -> list[int]:
    """The type oids of `names` in `table` (a temporary table is found first), for binary COPY."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped",
        (table,),
    )
    types = dict(cursor.fetchall())
    return [types[name] for name in names]
