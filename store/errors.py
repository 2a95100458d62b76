"""The store's own exceptions: expected failures a caller turns into a short message."""

from __future__ import annotations


class StoreError(Exception):
    """Something about the fact store prevents an answer."""


class StoreNotFound(StoreError):
    """There is no fact store at the given path."""


class StoreInvalid(StoreError):
    """The file at the given path is not a usable fact store."""


class BuildError(StoreError):
    """A build produced no usable store; the previous store, if any, is untouched."""


class LexiconError(StoreError):
    """A lexicon file cannot be read or contradicts itself."""


class QueryError(StoreError):
    """The question cannot be searched (empty, or nothing searchable left after cleaning)."""


class StoreClosed(StoreError):
    """The store was retired by a reload; the question should be asked again."""
