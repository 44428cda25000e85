"""Routes of the proposal, ballot, delegation and payout endpoints, to be included under /api/v1/governance/."""

from django.urls import URLPattern, path, re_path

from governance.api import proposals as views

_PROPOSAL = r"^proposals/(?P<proposal_id>[0-9]{1,78})/"

urlpatterns: list[URLPattern] = [
    re_path(
        _PROPOSAL + r"ballot-typed-data/$", views.BallotTypedDataView.as_view(), name="ballot-typed-data"
    ),
    re_path(_PROPOSAL + r"ballots/$", views.BallotRelayView.as_view(), name="ballots"),
    path("delegation-typed-data/", views.DelegationTypedDataView.as_view(), name="delegation-typed-data"),
    path("delegations/", views.DelegationRelayView.as_view(), name="delegations"),
    path("prize-drafts/", views.PrizeDraftCreateView.as_view(), name="prize-drafts"),
    path("prize-drafts/<int:pk>/", views.PrizeDraftDetailView.as_view(), name="prize-draft"),
    path(
        "prize-drafts/<int:pk>/wallet-calls/",
        views.PrizeDraftWalletCallsView.as_view(),
        name="prize-draft-calls",
    ),
    path("prize-drafts/<int:pk>/submit/", views.PrizeDraftSubmitView.as_view(), name="prize-draft-submit"),
    path("prize-drafts/<int:pk>/advance/", views.PrizeDraftAdvanceView.as_view(), name="prize-draft-advance"),
    path("claims/", views.ClaimView.as_view(), name="claims"),
    path("refunds/", views.RefundView.as_view(), name="refunds"),
]
