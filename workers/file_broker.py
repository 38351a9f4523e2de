"""kombu's ``filesystem://`` transport with atomic message files.

The stock ``Channel._put`` (kombu 5.7) opens the final ``<time>_<uuid>.<queue>.msg``
name and only then writes the payload. A consumer polling the folder can move
and read that file in between, find it empty, and die on a ``JSONDecodeError``
(the demo saw a worker exit with "Unrecoverable error: JSONDecodeError"): the
message is lost and the sweeper has to recover its target after the lease.

Here the payload is written to a hidden temporary name first (``.tmp-...``;
the stock ``_get`` only takes names ending in ``.<queue>.msg``) and moved to
its final name with ``os.replace``, which is atomic within one directory, so a
consumer sees either no file or the whole message. Selected through Celery's
own ``broker_transport`` setting (see ``workers/app.py``); nothing in kombu is
patched.
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

TRANSPORT_PATH = "workers.file_broker:Transport"


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]  # kombu's bases name it message / payload
        """Put ``payload`` onto ``queue``: write aside, then rename into place."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f".tmp-{uuid.uuid4().hex}")
        try:
            with open(temporary, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, final)
        except OSError as exc:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
