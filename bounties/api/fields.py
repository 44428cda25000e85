"""Serializer fields whose OpenAPI schema says exactly what the API accepts."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# The characters Python's str.isspace() and strip() treat as whitespace (tests check the list): a text of
# only these, or of nothing, is blank. NUL is never accepted in text.
PYTHON_WHITESPACE = (
    "\\u0009\\u000a\\u000b\\u000c\\u000d\\u001c\\u001d\\u001e\\u001f\\u0020\\u0085\\u00a0\\u1680"
    "\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
VISIBLE_TEXT_PATTERN = f"^[^\\u0000]*[^{PYTHON_WHITESPACE}\\u0000][^\\u0000]*$"


def visible_text_schema(max_length: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "pattern": VISIBLE_TEXT_PATTERN}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


@extend_schema_field(visible_text_schema(max_length=200))
class TitleField(serializers.CharField):
    """A required title with at least one visible character, at most 200."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, **kwargs)


@extend_schema_field(visible_text_schema(max_length=None))
class WriteupField(serializers.CharField):
    """Required Markdown with at least one visible character; kept as typed (no trimming)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        value = super().run_validation(data)
        if isinstance(value, str) and not value.strip():
            self.fail("blank")
        return value


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF's BooleanField also takes 0, 1, "yes" and "off", which the schema's
    `boolean` does not promise."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError("fail() raises")  # for type checkers
