"""The embedded broker: kombu's filesystem transport, with its folders treated as the server.

kombu lets an OSError from its folders escape as an unexpected error, so a worker whose queue
folder had become a file (or unreadable) logged "Unrecoverable error" and exited, taking
`make run`'s web server and beat with it. Here any problem with a broker folder is a connection
error that names the folder and what is wrong with it: the worker says so and retries with
backoff, exactly as when Redis is down, and carries on once the folder is usable again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from queue import Empty
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem

FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "control_folder")


class BrokerFolderError(ConnectionError):
    """A broker folder is missing, not a folder, or not usable (recoverable: retried)."""


def folder_problem(path: Path) -> str | None:
    """What is wrong with the broker folder `path`, or None. A missing folder is created."""
    if path.is_dir():
        if os.access(path, os.R_OK | os.W_OK | os.X_OK):
            return None
        return f"the broker folder {path} is not readable and writable by this user"
    if path.exists() or path.is_symlink():
        return (
            f"the broker folder {path} is not a folder (a file is in its place); "
            "move that file away and the worker reconnects"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"the broker folder {path} cannot be created: {error.strerror or error}"
    return None


def folders_problem(paths: Iterable[str | os.PathLike]) -> str | None:
    for path in dict.fromkeys(Path(p) for p in paths):
        problem = folder_problem(path)
        if problem:
            return problem
    return None


class Channel(filesystem.Channel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A virtual transport "connects" by opening its first channel: checking here makes a
        # bad folder a failed connection, which Celery retries with backoff.
        self._check_folders()

    def _folders(self) -> list[str]:
        return [self.transport_options.get(key, ".") for key in FOLDER_OPTIONS]

    def _check_folders(self, cause: BaseException | None = None) -> None:
        problem = folders_problem(self._folders())
        if problem:
            raise BrokerFolderError(f"Embedded broker unavailable: {problem}") from cause

    def _guarded(self, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return operation(*args, **kwargs)
        except Empty:
            raise
        except (OSError, ChannelError) as error:
            self._check_folders(cause=error)
            raise  # the folders are fine: a message file vanished or similar; kombu's own error

    def _get(self, queue: str) -> Any:
        return self._guarded(super()._get, queue)

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        return self._guarded(super()._put, queue, payload, **kwargs)

    def _size(self, queue: str) -> int:
        return self._guarded(super()._size, queue)

    def _purge(self, queue: str) -> int:
        return self._guarded(super()._purge, queue)

    def get_table(self, exchange: str) -> Any:
        return self._guarded(super().get_table, exchange)

    def _queue_bind(self, *args: Any) -> Any:
        return self._guarded(super()._queue_bind, *args)


class Transport(filesystem.Transport):
    Channel = Channel
    connection_errors = (*filesystem.Transport.connection_errors, BrokerFolderError)
    # The URL carries nothing (the folders are transport options); say which folder it is.
    can_parse_url = True

    def as_uri(self, uri: str, include_password: bool = False, mask: str = "**") -> str:
        return f"filesystem://{self.client.transport_options.get('data_folder_in', '')}"
