"""Web pages of the bounties app."""

from django.urls import URLPattern, URLResolver, path

from bounties.views import challenges, clues, lineage, profiles, source, submissions

app_name = "bounties"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", challenges.challenge_list_view, name="challenge-list"),
    path("challenges/<slug:slug>/", challenges.challenge_detail_view, name="challenge-detail"),
    path("challenges/<slug:slug>/data/", challenges.challenge_data_view, name="challenge-data"),
    path(
        "challenges/<slug:slug>/leaderboard/",
        challenges.challenge_leaderboard_view,
        name="challenge-leaderboard",
    ),
    path(
        "challenges/<slug:slug>/final-leaderboard.json",
        challenges.challenge_final_leaderboard_view,
        name="challenge-final-leaderboard",
    ),
    path(
        "challenges/<slug:slug>/data/<str:filename>",
        challenges.challenge_resource_view,
        name="challenge-resource",
    ),
    path("challenges/<slug:slug>/lineage/", lineage.challenge_lineage_view, name="challenge-lineage"),
    path("challenges/<slug:slug>/citable.json", lineage.citable_works_view, name="challenge-citable"),
    path("challenges/<slug:slug>/submit/", submissions.submission_create_view, name="submission-create"),
    path("challenges/<slug:slug>/clues/new/", clues.clue_create_view, name="clue-create"),
    path("submissions/<id:submission_id>/", submissions.submission_detail_view, name="submission-detail"),
    path(
        "submissions/<id:submission_id>/status/",
        submissions.submission_status_view,
        name="submission-status",
    ),
    path(
        "submissions/<id:submission_id>/final-selection/",
        submissions.submission_final_selection_view,
        name="submission-final-selection",
    ),
    path(
        "submissions/<id:submission_id>/files/<str:kind>/",
        submissions.submission_file_view,
        name="submission-file",
    ),
    path("submissions/<id:submission_id>/code/", source.source_browse_view, name="source-browse"),
    path("submissions/<id:submission_id>/raw/<path:path>", source.source_raw_view, name="source-raw"),
    path("submissions/<id:submission_id>/code/<path:path>", source.source_file_view, name="source-file"),
    path("clues/", clues.clue_list_view, name="clue-list"),
    path("clues/<id:clue_id>/", clues.clue_detail_view, name="clue-detail"),
    path(
        "clues/<id:clue_id>/attachments/<id:attachment_id>/",
        clues.clue_attachment_view,
        name="clue-attachment",
    ),
    path("u/<str:username>/", profiles.contributor_profile_view, name="contributor-profile"),
]
