"""Placeholder: replaced by its owner."""

from __future__ import annotations


def accuracy() -> None:
    """Not yet built."""


def speed() -> None:
    """Not yet built."""
