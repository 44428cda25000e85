"""Reads kept in the cache: the one get, compute, set the selectors share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def cached(key: str, read: Callable[[], T], *, seconds: float) -> T:
    """What `read` answers, from the cache under `key` when it is there (kept `seconds`)."""
    value: T | None = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, seconds)
    return value
