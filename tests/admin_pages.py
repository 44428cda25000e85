"""Filling in a Django admin form the way a browser does: read the rendered form, change fields, post it.

Tests that drive the admin post what the page really offers (initial values, hidden management fields,
ticked boxes), so a field the page lacks or names differently fails the test.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self.field_names: set[str] = set()
        self._select: str | None = None
        self._select_multiple = False
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside or ("name" not in attributes and tag != "option"):
            return
        name = attributes.get("name", "")
        if tag == "input":
            self._input(name, attributes)
        elif tag == "select":
            self._select, self._select_multiple, self._first_option = name, "multiple" in attributes, None
            self.field_names.add(name)
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attributes.get("value", "")
            if "selected" in attributes:
                self.values.setdefault(self._select, []).append(attributes.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.field_names.add(name)
            self.values[name] = [""]

    def _input(self, name: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text")
        if kind == "submit":
            return
        self.field_names.add(name)
        if kind in ("checkbox", "radio"):
            if "checked" in attributes:
                self.values.setdefault(name, []).append(attributes.get("value", "on"))
        elif kind != "file":
            self.values[name] = [attributes.get("value", "")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            # A browser sends the first option of a single choice that has none selected.
            if (
                not self._select_multiple
                and self._select not in self.values
                and self._first_option is not None
            ):
                self.values[self._select] = [self._first_option]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][0] += (
                data.removeprefix("\n") if not self.values[self._textarea][0] else data
            )


class AdminForm:
    """The fields of one rendered admin form, to change and post like a browser would."""

    def __init__(self, client: Client, url: str, form_id: str = "challenge_form") -> None:
        self.client, self.url = client, url
        page = client.get(url)
        assert page.status_code == 200, page.content.decode()[:1000]
        self.html = page.content.decode()
        reader = _FormReader(form_id)
        reader.feed(self.html)
        self.values, self.field_names = reader.values, reader.field_names
        self.files: dict[str, Any] = {}

    def set(self, **fields: Any) -> AdminForm:
        """Type into fields; a list sets a multiple choice, a file object uploads it. Each must be on the page."""
        for name, value in fields.items():
            assert name in self.field_names, f"the form has no field '{name}'"
            if hasattr(value, "read"):
                self.files[name] = value
            elif isinstance(value, list):
                self.values[name] = [str(item) for item in value]
            else:
                self.values[name] = [str(value)]
        return self

    def tick(self, name: str, value: str = "1") -> AdminForm:
        assert name in self.field_names, f"the form has no field '{name}'"
        self.values.setdefault(name, []).append(value)
        return self

    def post(self, **extra: Any) -> Any:
        data: dict[str, Any] = {name: values for name, values in self.values.items() if values}
        data.update(self.files)
        data.update(extra)
        return self.client.post(self.url, data)


ORGANIZER_PERMISSIONS = (
    "add_challenge",
    "change_challenge",
    "view_challenge",
    "add_challengeresource",
    "change_challengeresource",
    "delete_challengeresource",
    "view_challengeresource",
    "view_submission",
    "view_clue",
)


def organizer_user(username: str = "olga") -> Any:
    """A staff member who may run challenges in the admin, and nothing more: not a superuser."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory.create(username=username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="bounties", codename__in=ORGANIZER_PERMISSIONS)
    )
    return user


def form_errors(response: Any) -> dict[str, Any]:
    """The errors a re-shown admin form carries, its inlines' included, for an assertion's message."""
    if response.context is None or "adminform" not in response.context:
        return {}
    errors: dict[str, Any] = dict(response.context["adminform"].form.errors)
    for inline in response.context.get("inline_admin_formsets", []):
        errors[inline.formset.prefix] = [inline.formset.non_form_errors(), *inline.formset.errors]
    return errors
