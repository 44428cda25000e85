"""Append-only rows written with one executemany: the ORM's bulk_create spends most of a sync preparing
each value through every field's full save path, for rows whose values are already plain and checked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from governance.indexer.decode import IndexedEvent
from governance.models import ChainEvent


def rows_insert(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert unsaved `rows` of `model` (no primary keys set back; children of new parents need them
    saved first). Values go through each field's `get_db_prep_save`, as the ORM would."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for row in rows:
        # Foreign keys to parents saved since the row was built (the ORM does the same in bulk_create).
        row._prepare_related_fields_for_save(operation_name="rows_insert")  # type: ignore[attr-defined]
    values = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] for row in rows]
    _executemany(model, [f.column for f in fields], values)


def events_insert(deployment_id: int, events: Sequence[IndexedEvent]) -> None:
    """Insert decoded events: the one hot path of a sync, with each block's time adapted once."""
    if not events:
        return
    times: dict[Any, Any] = {}
    adapt_json, adapt_time = connection.ops.adapt_json_value, connection.ops.adapt_datetimefield_value
    values = []
    for e in events:
        block_time = times.get(e.block_time)
        if block_time is None:
            block_time = times[e.block_time] = adapt_time(e.block_time)
        values.append(
            (
                deployment_id,
                e.block_number,
                e.block_hash,
                block_time,
                e.tx_hash,
                e.log_index,
                e.contract,
                e.name,
                adapt_json(e.args, None),
            )
        )
    columns = ["deployment_id", "block_number", "block_hash", "block_time", "tx_hash", "log_index"]
    _executemany(ChainEvent, [*columns, "contract", "name", "args"], values)


def _executemany(model: type[models.Model], columns: Sequence[str], values: Sequence[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)  # noqa: S608
