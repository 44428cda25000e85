"""Watches and digest deliveries in the admin: to look at, for support; the digest writes them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from activity.models import ChallengeWatch, DigestDelivery


@admin.register(ChallengeWatch)
class ChallengeWatchAdmin(admin.ModelAdmin):
    list_display = ("user", "challenge", "created_at", "digested_until")
    list_select_related = ("user", "challenge")
    search_fields = ("user__username", "challenge__slug")
    readonly_fields = ("created_at",)


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ("user", "cutoff", "status", "created_at", "sent_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    readonly_fields = ("user", "cutoff", "item_keys", "previous_cursors", "status", "created_at", "sent_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
