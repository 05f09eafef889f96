"""Where a pricing fact comes from, and as of when it was seen."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceNote:
    """The public source of one encoded fact and the date it describes.

    ``citation`` names the page (and its own date when it has one); ``as_of`` is the date the
    fact was true according to that page, or the date the page was read when it has none.
    ``verified`` is False for facts taken from general knowledge or low-confidence pages:
    staff must see those as unverified.
    """

    citation: str
    as_of: date
    verified: bool = True
