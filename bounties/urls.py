from django.urls import URLPattern, URLResolver

app_name = "bounties"
urlpatterns: list[URLPattern | URLResolver] = []
