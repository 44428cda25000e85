"""Routes of the governance API, included under /api/v1/governance/."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from governance.api import proposals_read, verification_read
from governance.api.views import DeploymentView

urlpatterns: list[URLPattern | URLResolver] = [
    path("deployment/", DeploymentView.as_view(), name="governance-deployment"),
    path("proposals/", proposals_read.ProposalListView.as_view(), name="governance-proposals"),
    re_path(
        r"^proposals/(?P<proposal_id>[0-9]{1,78})/$",
        proposals_read.ProposalDetailView.as_view(),
        name="governance-proposal",
    ),
    re_path(
        r"^proposals/(?P<proposal_id>[0-9]{1,78})/vote-call/$",
        proposals_read.VoteCallView.as_view(),
        name="governance-vote-call",
    ),
    path(
        "prize-drafts/<int:pk>/propose-call/",
        proposals_read.ProposeCallView.as_view(),
        name="prize-draft-propose-call",
    ),
    path(
        "verification/submissions/<id:submission_id>/",
        verification_read.SubmissionEvidenceView.as_view(),
        name="verification-submission",
    ),
    path(
        "verification/clues/<id:clue_id>/",
        verification_read.ClueEvidenceView.as_view(),
        name="verification-clue",
    ),
    path("", include("governance.api.urls_proposals")),
    path("", include("governance.api.urls_treasury")),  # wip-treasury: the lead may move this line
]
