"""Web pages of the activity app: feeds, watching, and unsubscribing from digests."""

from django.urls import URLPattern, URLResolver, path

from activity import views
from activity.feeds import ChallengeActivityFeed

app_name = "activity"
urlpatterns: list[URLPattern | URLResolver] = [
    path("challenges/<slug:slug>/activity/", views.challenge_activity_view, name="challenge-activity"),
    path("challenges/<slug:slug>/activity.atom", ChallengeActivityFeed(), name="challenge-feed"),
    path("challenges/<slug:slug>/watch/", views.challenge_watch_view, name="challenge-watch"),
    path("activity/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
