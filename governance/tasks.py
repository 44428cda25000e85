"""Celery tasks of the governance app. Thin: they take ids and call services."""

from __future__ import annotations

import logging

from celery import shared_task

from governance.services.ballots import ballots_relay_waiting
from governance.services.connection import ChainNotConfiguredError
from governance.services.outbox_sender import outgoing_transaction_send, outgoing_transactions_due
from governance.services.relaying import CHAIN_ERRORS

logger = logging.getLogger(__name__)
_CHAIN_NOT_THERE: tuple[type[Exception], ...] = (ChainNotConfiguredError, *CHAIN_ERRORS)


@shared_task(name="governance.tasks.send_outgoing_transaction", acks_late=True)
def send_outgoing_transaction(transaction_id: int) -> str:
    """Send or re-check one outbox row; safe to run twice (the row is claimed by a conditional update)."""
    return outgoing_transaction_send(transaction_id=transaction_id)


@shared_task(name="governance.tasks.resend_outgoing_transactions")
def resend_outgoing_transactions() -> list[int]:
    """Periodic (Celery beat): relay the ballots kept while the chain was down, then queue a send for every
    outbox row whose backoff is over."""
    try:
        ballots_relay_waiting()
    except _CHAIN_NOT_THERE:
        logger.info("ballots kept while the chain was down still wait: the chain cannot be reached")
    due = outgoing_transactions_due()
    for transaction_id in due:
        send_outgoing_transaction.delay(transaction_id)
    return due
