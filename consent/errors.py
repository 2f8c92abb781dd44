"""The one error consent's services and selections raise for a change that cannot be made."""

from __future__ import annotations


class ConsentError(ValueError):
    """A change that cannot be made; `code` is the API error code, the message is for people."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code
