"""Errors raised by the allocator.

One base class, :class:`AllocationError`; callers catch :class:`ProblemError` to report a
rejected problem (the command line maps it to exit code 2).
"""


class AllocationError(Exception):
    """Base class of every error the allocation package raises on purpose."""

    code = "allocation_error"


class ProblemError(AllocationError):
    """The problem document is malformed or contradictory.

    ``item_id`` names the offending pledge, request, option or fare (``None`` for a
    top-level field) and ``field`` the offending field, so a coordinator can fix the input.
    """

    def __init__(self, *, code: str, item_id: str | None, field: str, message: str) -> None:
        self.code = code
        self.item_id = item_id
        self.field = field
        self.message = message
        where = f"{item_id!r}, field {field!r}" if item_id is not None else f"field {field!r}"
        super().__init__(f"{where}: {message}")
