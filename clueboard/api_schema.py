"""OpenAPI post-processing: what every operation of the API can answer, written down once.

Generated clients and schema fuzzers (schemathesis runs in CI) trust the schema, so it must tell the whole
truth: any request may carry a bad token (401) or be throttled (429), and Django refuses NUL characters in
every text it parses, so no string parameter or field may contain one.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "What went wrong: `detail` for people, `code` for programs; field errors by field name.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": "string"},
    },
    "additionalProperties": True,
}
COMMON_RESPONSES = {
    "401": "The token in the Authorization header is invalid, or this needs a signed-in caller.",
    "429": "Too many requests from this caller: wait for the seconds that Retry-After says.",
}
NO_NUL_PATTERN = "^[^\\u0000]*$"
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


def document_common_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: errors every operation can give, and NUL-free strings."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                _add_common_responses(operation)
                _forbid_nul_in_parameters(operation)
    for component in result["components"]["schemas"].values():
        _forbid_nul_in_strings(component)
    return result


def _add_common_responses(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in COMMON_RESPONSES.items():
        responses.setdefault(status, _error_response(description))
    for response in responses.values():  # error answers are JSON objects of one shape
        for media in response.get("content", {}).values():
            if media.get("schema", {}).get("type") == "object" and not media["schema"].get("properties"):
                media["schema"] = {"$ref": "#/components/schemas/Error"}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _forbid_nul_in_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        _forbid_nul_in_strings(parameter.get("schema", {}))


def _forbid_nul_in_strings(schema: dict[str, Any]) -> None:
    if not isinstance(schema, dict):
        return
    is_plain_string = schema.get("type") == "string" and not {"format", "enum", "pattern"} & schema.keys()
    if is_plain_string and not schema.get("readOnly"):
        schema["pattern"] = NO_NUL_PATTERN
    for nested in schema.get("properties", {}).values():
        _forbid_nul_in_strings(nested)
    if isinstance(schema.get("items"), dict):
        _forbid_nul_in_strings(schema["items"])
