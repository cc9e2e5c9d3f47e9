"""The database: the source of truth for plans, tasks and their status history.

`models` holds the tables, `engine` opens connections, `migrate` brings the schema to the
Alembic head, `updates` records status changes.
"""
