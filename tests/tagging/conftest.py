"""The tagger's tests: the frozen test splits' vectors come from data/encoder/split_vectors.npz (see
tests/tagging/make_split_vectors.py), checked against the encoder by test_model.py."""

import pytest

from poll.tagging import encoder
from poll.tagging.encoder import ENCODER_NAME, MODEL_SHA256
from tests.tagging.make_split_vectors import load


@pytest.fixture(scope="session", autouse=True)
def split_vectors_in_the_encoders_cache():
    """Put the stored vectors where the encoder looks first (its cache of recent vectors), as a re-tag
    run would have them: the model's figures on the frozen splits are then read, not re-encoded.
    Vectors of another encoder are not used (the check in test_model.py then says to write them again)."""
    strings, vectors, (name, sha256) = load()
    if (name, sha256) == (ENCODER_NAME, MODEL_SHA256):
        for text, vector in zip(strings, vectors, strict=True):
            encoder.RECENT.put(text, vector)
