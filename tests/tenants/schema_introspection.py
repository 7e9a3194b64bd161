"""Describe a schema's structure as plain data, with its own name replaced, so two schemas compare equal
exactly when they have the same tables, columns, indexes, constraints, sequences and migration rows."""

from __future__ import annotations

from django.db import connection


def describe_schema(schema: str) -> dict[str, object]:
    def rows(sql: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [schema])
            return [
                tuple(str(value).replace(schema, "<schema>") for value in row) for row in cursor.fetchall()
            ]

    description = {
        "columns": rows(
            """SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity,
                      identity_generation, character_maximum_length, numeric_precision, ordinal_position
               FROM information_schema.columns WHERE table_schema = %s ORDER BY table_name, column_name"""
        ),
        "indexes": rows(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 2"
        ),
        "constraints": rows(
            """SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid), con.condeferrable,
                      con.condeferred
               FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
               JOIN pg_namespace ns ON ns.oid = rel.relnamespace WHERE ns.nspname = %s ORDER BY 1, 2"""
        ),
        "sequences": rows(
            """SELECT sequencename, data_type, start_value, min_value, max_value, increment_by, cycle,
                      cache_size
               FROM pg_sequences WHERE schemaname = %s ORDER BY 1"""
        ),
        "relations": rows(
            """SELECT c.relname, c.relkind, c.relpersistence FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s ORDER BY 1"""
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')
        description["migrations"] = cursor.fetchall()
    return description
