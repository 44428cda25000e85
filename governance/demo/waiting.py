"""Waiting in the demo story: for outbox rows to be mined, and for the worker to score the work.

The story sends the rows it needs itself, through the same `outgoing_transaction_send` the chain worker
runs: the sender's lease (a conditional update) lets only one of them hold a row at a time, so when the
chain worker has it the story just waits for its status to move.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from governance.models import OutgoingTransaction
from governance.services.outbox_sender import outgoing_transaction_send

Status = OutgoingTransaction.Status
DONE = (Status.MINED, Status.CONFIRMED)
POLL_SECONDS = 0.5
Log = Callable[[str], None]


class DemoStuck(RuntimeError):
    """A step of the story cannot go on (the message says which and why)."""


def until(
    condition: Callable[[], bool], *, what: str, timeout: float, poll: Callable[[], object] = lambda: None
) -> None:
    """Run `poll` and check `condition` until it holds; raises DemoStuck after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        poll()
        if condition():
            return
        if time.monotonic() > deadline:
            raise DemoStuck(f"gave up waiting {timeout:.0f} s for {what}")
        time.sleep(POLL_SECONDS)


def rows_mined(rows: Iterable[OutgoingTransaction | None], *, what: str, timeout: float = 90.0) -> None:
    """Send (or wait for the chain worker to send) each row until it is mined; DemoStuck if one fails."""
    ids = [row.pk for row in rows if row is not None]

    def send_due() -> None:
        for pk in ids:
            if OutgoingTransaction.objects.filter(pk=pk, status__in=(Status.QUEUED, Status.SENT)).exists():
                outgoing_transaction_send(transaction_id=pk)

    def all_mined() -> bool:
        failed = OutgoingTransaction.objects.filter(pk__in=ids, status=Status.FAILED).first()
        if failed is not None:
            raise DemoStuck(f"{what}: {failed.contract}.{failed.function} failed: {failed.last_error}")
        return OutgoingTransaction.objects.filter(pk__in=ids, status__in=DONE).count() == len(ids)

    until(all_mined, what=what, timeout=timeout, poll=send_due)
