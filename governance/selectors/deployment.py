"""Which contract set the platform uses now."""

from __future__ import annotations

from django.conf import settings

from governance.models import ChainDeployment


def current_deployment(*, chain_id: int | None = None) -> ChainDeployment | None:
    """The current (not replaced) deployment on `chain_id` (default CHAIN_ID), or None before any."""
    chain = settings.CHAIN_ID if chain_id is None else chain_id
    return ChainDeployment.objects.filter(chain_id=chain, replaced_at__isnull=True).first()
