"""Page-number pagination that takes only what its schema promises: one page number, a positive integer."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class StrictPageNumberPagination(PageNumberPagination):
    def get_page_number(self, request: Request, paginator: Any) -> Any:
        # DRF reads an empty `page=` as page 1; the schema says an integer, so it is not a page at all.
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound("Invalid page.")
        return super().get_page_number(request, paginator)


class LeaderboardPagination(StrictPageNumberPagination):
    """A leaderboard's pages: 100 entries unless `limit` asks for 1 to 1000 (validated by the view)."""

    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 1000
