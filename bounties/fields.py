"""Model fields for values that the database types cannot hold exactly."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

UINT256_DIGITS = 78  # len(str(2**256 - 1))


class TokenAmountField(models.Field):
    """A token amount in base units (uint256), stored as a zero-padded decimal string.

    SQLite keeps NUMERIC values as 64-bit floats, which rounds 18-decimal token amounts; a fixed-width
    string is exact on every database and still sorts in numeric order.
    """

    description = "Token amount in base units (0 .. 2**256-1)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = UINT256_DIGITS
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)

    def get_internal_type(self) -> str:
        return "CharField"

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> int | None:
        return None if value is None else int(value)

    def to_python(self, value: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        try:
            amount = int(str(value).strip())
        except ValueError as exc:
            raise ValidationError("Enter a whole number of token base units.") from exc
        return amount

    def get_prep_value(self, value: Any) -> str | None:
        amount = self.to_python(value)
        if amount is None:
            return None
        if not 0 <= amount < 2**256:
            raise ValidationError("A token amount must be between 0 and 2**256 - 1 base units.")
        return str(amount).zfill(UINT256_DIGITS)

    def value_to_string(self, obj: models.Model) -> str:
        return str(self.value_from_object(obj))

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        defaults = {
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        return forms.IntegerField(min_value=0, max_value=2**256 - 1, **{**defaults, **kwargs})
