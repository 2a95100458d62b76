from pathlib import Path

import pytest

from store import build_store, open_store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_store_path(tmp_path_factory) -> Path:
    """A real store file built from the five seed articles, once per run."""
    path = tmp_path_factory.mktemp("store") / "facts.db"
    build_store(SEEDS, path)
    return path


@pytest.fixture(scope="session")
def seed_store(seed_store_path):
    store = open_store(seed_store_path)
    yield store
    store.close()
