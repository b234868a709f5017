"""The one exception the resume pipeline raises for bad input.

The HTTP layer maps it to a status code and the worker maps it to a non-retryable
``ApplicationError``: a hostile or broken upload is the user's problem to fix, not a
transient failure worth retrying.
"""

from __future__ import annotations

from typing import Literal

StatusCode = Literal[413, 415, 422]


class ResumeError(Exception):
    """Bad resume input. ``detail`` is safe to show to the user as is."""

    def __init__(self, status_code: StatusCode, detail: str) -> None:
        super().__init__(f"{status_code}: {detail}")
        self.status_code: int = status_code
        self.detail: str = detail

    def __reduce__(self) -> tuple[type[ResumeError], tuple[int, str]]:
        # Keeps the error picklable (process pools, Temporal failure conversion).
        return (type(self), (self.status_code, self.detail))
