"""The tagger's tests: the frozen test splits' vectors come from data/encoder/split_vectors*.npz (see
tests/tagging/make_split_vectors.py), checked against the encoders by test_model.py and test_mpnet.py."""

import pytest

from tests.tagging.make_split_vectors import ENCODERS, identity, load


@pytest.fixture(scope="session", autouse=True)
def split_vectors_in_the_encoders_cache():
    """Put the stored vectors where each encoder looks first (its cache of recent vectors), as a re-tag
    run would have them: the model's figures on the frozen splits are then read, not re-encoded.
    Vectors of another encoder are not used (the checks then say to write them again)."""
    for name, (module, _, _) in ENCODERS.items():
        strings, vectors, stored = load(name)
        if stored == identity(module):
            for text, vector in zip(strings, vectors, strict=True):
                module.RECENT.put(text, vector)
