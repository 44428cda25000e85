"""The folder broker of `make run`: kombu's filesystem transport, each message seen only once it is whole.

kombu's own `_put` creates the message file under its final name and then writes it. A worker that lists
the folder in between moves away an empty file and fails to decode it, and under honcho one crashed worker
stops every process of `make run`. Here a message is written under a name that no consumer reads (it does
not end in `.msg`), then renamed in the same folder: the rename is atomic, so a consumer finds the whole
message or nothing. Reading is kombu's.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu's filesystem Channel signature, which differs from its own base class's.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Put `payload` onto `queue`: written in full under a temporary name, then renamed into place."""
        # kombu's name: the millisecond clock first, so that the consumer's sorted listing keeps the order.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".partial"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel
