"""Pages for delegates, the treasury and member profiles; the lead appends these to governance/urls.py."""

from django.urls import URLPattern, path, re_path

from governance.views.delegates import delegates_view
from governance.views.members import ADDRESS_PATTERN, member_view
from governance.views.treasury import treasury_view

urlpatterns: list[URLPattern] = [
    path("delegates/", delegates_view, name="delegates"),
    path("treasury/", treasury_view, name="treasury"),
    re_path(rf"^members/(?P<address>{ADDRESS_PATTERN})/$", member_view, name="member"),
]
