"""What the heads read of a comment: its embedding and its parts'.

A comment's stance often sits in one sentence or in the clause after a
"but" ("Sanctions matter, but only talks will stop the launches"), and a
whole-comment embedding averages it away. So the features are the whole
comment's embedding beside the mean, the last and the element-wise maximum
of its segments' embeddings (sentences, and clauses split before "but").
Chosen on the dev split: 0.57 macro-F1 for the whole-comment embedding
alone, 0.64 with the segments.
"""

import re
from collections.abc import Callable

import numpy as np

from poll.tagging import encoder, mpnet

Embed = Callable[[list[str]], np.ndarray]

SEGMENT_BREAK = re.compile(r"(?<=[.!?;])\s+|\s+(?=\bbut\b)", re.IGNORECASE)
# A link says nothing about stance or civility to the encoder (the link flag
# covers it), and the labelled data has none.
LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def without_links(text: str) -> str:
    """``text`` with its links blanked (a text that is only a link stays as it is)."""
    return LINK.sub(" ", text).strip() or text


def segments(text: str) -> list[str]:
    parts = [part for part in SEGMENT_BREAK.split(text) if part and part.strip()]
    return parts or [text]


def comment_features(texts: list[str], embed: Embed = encoder.embed) -> np.ndarray:
    """(len(texts), 4 x the encoder's dimensions): whole, mean, last and max of
    the segments, embedded by ``embed`` (multilingual-e5 unless told)."""
    texts = [without_links(text) for text in texts]
    whole = embed(texts)
    if not texts:
        return np.zeros((0, 4 * whole.shape[1]), dtype=np.float32)
    parts = [segments(text) for text in texts]
    flat = embed([part for comment in parts for part in comment])
    rows, start = [], 0
    for index, comment in enumerate(parts):
        vectors = flat[start : start + len(comment)]
        start += len(comment)
        rows.append(np.concatenate([whole[index], vectors.mean(axis=0), vectors[-1], vectors.max(axis=0)]))
    return np.asarray(rows, dtype=np.float32)


def english_features(texts: list[str]) -> np.ndarray:
    """The same features over all-mpnet-base-v2, which the English stance head reads."""
    return comment_features(texts, mpnet.embed)


def english_stance_features(texts: list[str]) -> np.ndarray:
    """The same features over mpnet's stance branch (rule F in data/README.md), which the English stance
    head reads."""
    return comment_features(texts, mpnet.embed_stance)
