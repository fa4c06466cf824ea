"""Vectors kept between training runs: read back as written, never across encoders."""

import numpy as np

from poll.tagging.encoder import RecentVectors
from poll.tagging.training import vector_store


def _stores(e5: RecentVectors, sha: str = "a" * 64):
    return (("e5", e5, sha),)


def test_vectors_written_by_one_run_are_read_by_the_next(tmp_path, monkeypatch):
    first = RecentVectors(size=10)
    first.put("Talks first.", np.array([1.0, 2.0], dtype=np.float32))
    first.put("Strike now.", np.array([3.0, 4.0], dtype=np.float32))
    monkeypatch.setattr(vector_store, "STORES", _stores(first))
    assert vector_store.save(tmp_path) == 2

    second = RecentVectors(size=10)
    monkeypatch.setattr(vector_store, "STORES", _stores(second))
    assert vector_store.load(tmp_path) == 2
    np.testing.assert_array_equal(second.get("Strike now."), [3.0, 4.0])
    assert second.size == vector_store.ROOM  # room for a whole corpus, not the run-time 20,000


def test_another_encoders_vectors_are_never_read(tmp_path, monkeypatch):
    written = RecentVectors(size=10)
    written.put("Talks first.", np.array([1.0, 2.0], dtype=np.float32))
    monkeypatch.setattr(vector_store, "STORES", _stores(written, sha="a" * 64))
    vector_store.save(tmp_path)

    other = RecentVectors(size=10)
    monkeypatch.setattr(vector_store, "STORES", _stores(other, sha="b" * 64))
    assert vector_store.load(tmp_path) == 0
    assert other.get("Talks first.") is None
