"""Pages for delegates, the treasury and member profiles, and the wallet-call and funding JSON endpoints.

Exposes `urlpatterns` only: governance/urls.py takes them into its namespace ("governance").
"""

from django.urls import URLPattern, path, re_path

from governance.views import funding
from governance.views.delegates import delegates_view
from governance.views.members import ADDRESS_PATTERN, member_view
from governance.views.treasury import treasury_view

_ESCROW_ID = r"(?P<escrow_id>[0-9]{1,18})"  # escrow ids count up from 1; bigger ones cannot exist

urlpatterns: list[URLPattern] = [
    path("delegates/", delegates_view, name="delegates"),
    path("delegates/wallet-call/", funding.delegate_call_view, name="delegate-call"),
    path("treasury/", treasury_view, name="treasury"),
    re_path(rf"^members/(?P<address>{ADDRESS_PATTERN})/$", member_view, name="member"),
    re_path(rf"^pools/{_ESCROW_ID}/fund-calls/$", funding.fund_calls_view, name="fund-calls"),
    re_path(rf"^pools/{_ESCROW_ID}/funding/$", funding.funding_view, name="pool-funding"),
]
