"""Turns the services' ApplicationError into the same JSON error shape DRF uses, with its status code."""

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from bounties.errors import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        set_rollback()  # the request is one transaction: a refused request writes nothing
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A validation error of the whole request (not of one field) comes as a bare list: errors are
        # always objects, as the schema says.
        response.data = {"detail": " ".join(str(item) for item in response.data), "code": "invalid"}
    return response
