"""Who watches which challenge, and the digest emails sent to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChallengeWatch(models.Model):
    """A contributor follows a challenge: its feed items reach them in the periodic digest.

    `digested_until` is the digest's cursor: every feed item up to that moment was listed in a digest
    already, or happened before the watch began. The digest moves it by a conditional update, so two runs
    that race (a re-delivered task, a restart) list each item once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_watches"
    )
    challenge = models.ForeignKey("bounties.Challenge", on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(auto_now_add=True)
    digested_until = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "challenge"], name="challenge_watch_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} watches challenge {self.challenge_id}"


class DigestDelivery(models.Model):
    """One digest email, recorded before it is sent: what it lists and where each cursor stood before.

    A row left SENDING (the worker died mid-send) is never sent again: an email may have gone out, and a
    lost digest is better than a doubled one. FAILED rows had their cursors put back, so their items come
    in the next digest.
    """

    class Status(models.TextChoices):
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed; its items wait for the next digest"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cutoff = models.DateTimeField(help_text="Items up to this moment are listed.")
    item_keys = models.JSONField(default=list)  # "<challenge id>:<item key>", in the email's order
    previous_cursors = models.JSONField(default=dict)  # {watch id: iso time}, to put back on failure
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "digest deliveries"

    def __str__(self) -> str:
        return f"digest for user {self.user_id} up to {self.cutoff:%Y-%m-%d %H:%M} ({self.status})"
