"""Routes of the proposal, ballot, delegation and payout endpoints, under /api/v1/governance/."""

from django.urls import URLPattern, path, re_path

from governance.api import proposals, votes

_PROPOSAL = r"^proposals/(?P<proposal_id>[0-9]{1,78})/"

urlpatterns: list[URLPattern] = [
    re_path(
        _PROPOSAL + r"ballot-typed-data/$", votes.BallotTypedDataView.as_view(), name="ballot-typed-data"
    ),
    re_path(_PROPOSAL + r"ballots/$", votes.BallotRelayView.as_view(), name="ballots"),
    path("delegation-typed-data/", votes.DelegationTypedDataView.as_view(), name="delegation-typed-data"),
    path("delegations/", votes.DelegationRelayView.as_view(), name="delegations"),
    path("prize-drafts/", proposals.PrizeDraftCreateView.as_view(), name="prize-drafts"),
    path("prize-drafts/<int:pk>/", proposals.PrizeDraftDetailView.as_view(), name="prize-draft"),
    path(
        "prize-drafts/<int:pk>/wallet-calls/",
        proposals.PrizeDraftWalletCallsView.as_view(),
        name="prize-draft-calls",
    ),
    path(
        "prize-drafts/<int:pk>/submit/", proposals.PrizeDraftSubmitView.as_view(), name="prize-draft-submit"
    ),
    path(
        "prize-drafts/<int:pk>/advance/",
        proposals.PrizeDraftAdvanceView.as_view(),
        name="prize-draft-advance",
    ),
    path("claims/", proposals.ClaimView.as_view(), name="claims"),
    path("refunds/", proposals.RefundView.as_view(), name="refunds"),
]
