"""Where a face's 128 numbers live: pgvector's vector(128) on PostgreSQL, so the database can
search them with an index; 512 bytes of float32 elsewhere (SQLite), searched with numpy."""

from __future__ import annotations

import json

import numpy as np
from django.db import models

from likeness.engine import EMBEDDING_SIZE, vector_from_bytes, vector_to_bytes


class EmbeddingField(models.Field):
    description = "A 128-number face embedding"

    def db_type(self, connection) -> str:
        if connection.vendor == "postgresql":
            return f"vector({EMBEDDING_SIZE})"
        return "blob"

    def from_db_value(self, value, expression, connection) -> np.ndarray | None:
        if value is None:
            return None
        if isinstance(value, str):  # pgvector's text form, "[0.1,-0.2,...]"
            return np.asarray(json.loads(value), dtype=np.float32)
        return vector_from_bytes(bytes(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        vector = np.asarray(value, dtype=np.float32).reshape(EMBEDDING_SIZE)
        if connection.vendor == "postgresql":
            return vector_literal(vector)
        return vector_to_bytes(vector)


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form of a vector, "[0.1,-0.2,...]", exact for float32."""
    return "[" + ",".join(format(float(x), ".9g") for x in vector) + "]"
