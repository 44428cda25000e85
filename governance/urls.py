"""Web pages of the governance app: proposals and drafts here; delegates, treasury, members and funding
in `governance.urls_treasury`."""

from django.urls import URLPattern, URLResolver, path, re_path

from governance import urls_treasury
from governance.views import drafts, progress, proposals, verification

app_name = "governance"
_PROPOSAL = r"^proposals/(?P<proposal_id>[0-9]{1,78})/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", proposals.proposal_list_view, name="proposal-list"),
    re_path(_PROPOSAL + r"$", proposals.proposal_detail_view, name="proposal-detail"),
    re_path(_PROPOSAL + r"live/$", proposals.proposal_live_view, name="proposal-live"),
    path("challenges/<slug:slug>/prize-proposal/", drafts.prize_draft_start_view, name="prize-draft-start"),
    path("prize-drafts/<int:pk>/", drafts.prize_draft_view, name="prize-draft"),
    path(
        "verify/submissions/<id:submission_id>/",
        verification.submission_verify_view,
        name="verify-submission",
    ),
    path("verify/clues/<id:clue_id>/", verification.clue_verify_view, name="verify-clue"),
    path(
        "challenges/<slug:slug>/progress-prize/",
        progress.progress_prize_new_view,
        name="progress-prize-new",
    ),
    *urls_treasury.urlpatterns,
]
