"""Row ids as they arrive in URLs, forms and API fields: bounded, so a huge number is a 400 or a 404.

An id past a 64-bit integer reaches the database as an overflow (SQLite) or an out-of-range error
(PostgreSQL), which would answer 500.
"""

MAX_ROW_ID = 2**63 - 1
# 18 digits always fit in a signed 64-bit integer; longer numbers cannot name a row.
ROW_ID_PATTERN = "[0-9]{1,18}"


class RowIdConverter:
    """The `<id:…>` URL converter: like `<int:…>`, but no longer than any real row id."""

    regex = ROW_ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
