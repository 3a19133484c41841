"""Placeholder: replaced by its owner."""

from __future__ import annotations


def rules() -> None:
    """Not yet built."""
