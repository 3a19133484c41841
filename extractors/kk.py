"""The members table of a Kartu Keluarga, read by columns from word boxes."""

from __future__ import annotations

from models.domain import Field, Page


def members_field(pages: list[Page]) -> Field | None:
    """The ``members`` field of a KK (a list of member dicts), or ``None`` if no table is found."""
    return None
