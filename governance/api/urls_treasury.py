"""Routes of the delegates, treasury and member read API, under /api/v1/governance/ (the lead joins them)."""

from django.urls import URLPattern, path

from governance.api import members_read, treasury_read

urlpatterns: list[URLPattern] = [
    path("delegates/", treasury_read.DelegatesView.as_view(), name="governance-delegates"),
    path("treasury/pools/", treasury_read.PoolsView.as_view(), name="governance-pools"),
    path("treasury/payouts/", treasury_read.PayoutsView.as_view(), name="governance-payouts"),
    path("members/<str:address>/", members_read.MemberView.as_view(), name="governance-member"),
]
