"""factbot's fact store: cleaning, numbers, lexicon, extraction, building and search.

    from store import build_store, open_store
    build_store("seeds", "data/facts.db")
    result = open_store("data/facts.db").search("Microsoft capex")
    result.answers[0].quote      # the verbatim sentence

This package never imports Slack: the bot and the command line are built on top of it.
"""

from .build import BuildReport, SourceProblem, build_store
from .errors import BuildError, LexiconError, QueryError, StoreClosed, StoreError, StoreInvalid, StoreNotFound
from .extract import Document, Fact, extract_facts
from .lexicon import Lexicon
from .numbers import Value, format_value, format_values, parse_quantities
from .periods import Period, parse_period, published_date
from .query import Query
from .question import MAX_QUESTION_CHARS
from .search import Answer, FactStore, SearchResult, StoreStats, Understanding, normalise_query, open_store
from .text import clean_text, find_mojibake, fold, split_sentences

__all__ = [
    "MAX_QUESTION_CHARS",
    "Answer",
    "BuildError",
    "BuildReport",
    "Document",
    "Fact",
    "FactStore",
    "Lexicon",
    "LexiconError",
    "Period",
    "Query",
    "QueryError",
    "SearchResult",
    "SourceProblem",
    "StoreClosed",
    "StoreError",
    "StoreInvalid",
    "StoreNotFound",
    "StoreStats",
    "Understanding",
    "Value",
    "build_store",
    "clean_text",
    "extract_facts",
    "find_mojibake",
    "fold",
    "format_value",
    "format_values",
    "normalise_query",
    "open_store",
    "parse_period",
    "parse_quantities",
    "published_date",
    "split_sentences",
]
