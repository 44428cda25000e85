"""Celery tasks of the governance app. Thin: they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from governance.services.outbox_sender import outgoing_transaction_send, outgoing_transactions_due


@shared_task(name="governance.tasks.send_outgoing_transaction", acks_late=True)
def send_outgoing_transaction(transaction_id: int) -> str:
    """Send or re-check one outbox row; safe to run twice (the row is claimed by a conditional update)."""
    return outgoing_transaction_send(transaction_id=transaction_id)


@shared_task(name="governance.tasks.resend_outgoing_transactions")
def resend_outgoing_transactions() -> list[int]:
    """Periodic (Celery beat): queue a send for every outbox row whose backoff is over."""
    due = outgoing_transactions_due()
    for transaction_id in due:
        send_outgoing_transaction.delay(transaction_id)
    return due
