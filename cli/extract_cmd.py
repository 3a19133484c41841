"""Placeholder: replaced by its owner."""

from __future__ import annotations


def extract() -> None:
    """Not yet built."""
