"""Heads over sentence embeddings, stored as JSON files.

A head is a multinomial logistic regression (weights and bias per label), over the embeddings or over a
hidden layer of ReLU units, with a temperature that calibrates its probabilities; ``python -m
poll.tagging.training.train`` fits them. A hidden layer's weights are too many for JSON: they sit beside
it in a ``.npz`` file whose SHA-256 the JSON holds and loading checks. So does a model over the comment's
hashed character n-grams (``char_grams``), whose score is the head's last feature where it has one.
Reading one needs numpy (and mmh3 for the n-grams) only.
"""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from poll.tagging import encoder, mpnet
from poll.tagging.char_grams import CharGramModel
from poll.tagging.features import comment_features, english_features, english_stance_features
from poll.tagging.fitting import Network
from poll.vocabulary import is_english

MODELS_DIR = Path(__file__).parent / "models"
# The encoders a head may read, by the SHA-256 of their weights: e5 (every
# language), mpnet (English) and mpnet's stance branch (English stance).
ENCODERS = {
    encoder.MODEL_SHA256: encoder.ENCODER_NAME,
    mpnet.WEIGHTS_SHA256: mpnet.ENCODER_NAME,
    mpnet.BRANCH_SHA256: mpnet.BRANCH_NAME,
}
FEATURES = {mpnet.WEIGHTS_SHA256: english_features, mpnet.BRANCH_SHA256: english_stance_features}


class HeadMismatch(ValueError):
    """A head trained on another encoder than the one installed, or whose hidden layer's file is not the
    one it was saved with."""


@dataclass
class LinearHead:
    name: str
    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, dimensions)
    bias: np.ndarray  # (labels,)
    temperature: float = 1.0
    threshold: float | None = None  # binary heads: probability of labels[1] that decides
    card: dict = field(default_factory=dict)
    encoder_sha256: str = encoder.MODEL_SHA256
    # Comments shorter than ``short_below`` characters are read at ``short_temperature``: a head fitted
    # on longer rows is overconfident about one-liners (the English stance head's card has the figures).
    short_below: int | None = None
    short_temperature: float | None = None
    # A hidden layer of ReLU units between the embeddings and ``weights``, where the head has one.
    hidden_weights: np.ndarray | None = None  # (units, dimensions)
    hidden_bias: np.ndarray | None = None  # (units,)
    # A linear model over the comment's hashed character n-grams, whose score is the last feature.
    char_grams: CharGramModel | None = None

    def features(self, texts: list[str]) -> np.ndarray:
        """What this head reads of ``texts``: the features over its own encoder, and its character
        n-gram model's score where it has one."""
        features = FEATURES.get(self.encoder_sha256, comment_features)(texts)
        if self.char_grams is None:
            return features
        return np.hstack([features, self.char_grams.scores(texts)[:, None]]).astype(np.float32)

    def logits(self, embeddings: np.ndarray) -> np.ndarray:
        """Uncalibrated scores, one row per embedding (what the temperatures divide); through the hidden
        layer where the head has one, by the network's own forward pass."""
        if self.hidden_weights is not None and self.hidden_bias is not None:
            network = Network(self.hidden_weights, self.hidden_bias, self.weights, self.bias)
            return network.logits(embeddings)
        return embeddings @ self.weights.T + self.bias

    def probabilities_of(self, texts: list[str]) -> np.ndarray:
        """Calibrated probabilities of ``texts``, each at the temperature for its length."""
        return self.probabilities(self.features(texts), [len(text) for text in texts])

    def probabilities(self, embeddings: np.ndarray, lengths: list[int] | None = None) -> np.ndarray:
        """Calibrated probabilities, one row per embedding, columns in ``labels`` order; with the texts'
        ``lengths``, short ones at the short temperature where the head has one."""
        temperature = np.full((len(embeddings), 1), self.temperature, dtype=embeddings.dtype)
        if lengths is not None and self.short_below is not None and self.short_temperature is not None:
            temperature[np.array(lengths) < self.short_below] = self.short_temperature
        logits = self.logits(embeddings) / temperature
        if len(self.labels) == 2 and self.weights.shape[0] == 1:
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "labels": list(self.labels),
            "encoder": ENCODERS[self.encoder_sha256],
            "encoder_sha256": self.encoder_sha256,
            "temperature": self.temperature,
            "threshold": self.threshold,
            **(
                {"short_below": self.short_below, "short_temperature": self.short_temperature}
                if self.short_temperature is not None
                else {}
            ),
            **(
                {
                    "hidden_layer": {
                        "file": self.hidden_layer_file,
                        "units": len(self.hidden_bias),
                        "sha256": self.hidden_layer_sha256(),
                    }
                }
                if self.hidden_weights is not None and self.hidden_bias is not None
                else {}
            ),
            **(
                {
                    "char_grams": {
                        "file": self.char_grams_file,
                        "ngram_range": list(self.char_grams.ngram_range),
                        "sha256": self.char_grams.sha256(),
                    }
                }
                if self.char_grams is not None
                else {}
            ),
            "card": self.card,
            "bias": [round(float(value), 7) for value in self.bias],
            "weights": [[round(float(value), 7) for value in row] for row in self.weights],
        }

    @property
    def hidden_layer_file(self) -> str:
        return f"{self.name}.hidden.npz"

    @property
    def char_grams_file(self) -> str:
        return f"{self.name}.char_grams.npz"

    def hidden_layer_sha256(self) -> str:
        """SHA-256 of the hidden layer's weights and bias as float32 (what loading checks)."""
        digest = hashlib.sha256()
        for array in (self.hidden_weights, self.hidden_bias):
            digest.update(np.ascontiguousarray(array, dtype="<f4").tobytes())
        return digest.hexdigest()

    @classmethod
    def from_json(cls, data: dict, directory: Path = MODELS_DIR) -> "LinearHead":
        """The head ``data`` describes; a hidden layer is read from its file in ``directory``."""
        if data.get("encoder_sha256") not in ENCODERS:
            raise HeadMismatch(f"head {data.get('name')!r} was trained on an encoder not installed")
        head = cls(
            name=data["name"],
            labels=tuple(data["labels"]),
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            temperature=float(data.get("temperature", 1.0)),
            threshold=data.get("threshold"),
            card=data.get("card", {}),
            encoder_sha256=data["encoder_sha256"],
            short_below=int(data["short_below"]) if data.get("short_below") is not None else None,
            short_temperature=(
                float(data["short_temperature"]) if data.get("short_temperature") is not None else None
            ),
        )
        if "hidden_layer" in data:
            layer = data["hidden_layer"]
            with np.load(directory / Path(layer["file"]).name, allow_pickle=False) as stored:
                head.hidden_weights = stored["weights"].astype(np.float32)
                head.hidden_bias = stored["bias"].astype(np.float32)
            if head.hidden_layer_sha256() != layer["sha256"]:
                raise HeadMismatch(
                    f"head {head.name!r}: its hidden layer's file is not the one it was saved with"
                )
        if "char_grams" in data:
            grams = data["char_grams"]
            with np.load(directory / Path(grams["file"]).name, allow_pickle=False) as stored:
                head.char_grams = CharGramModel(
                    ngram_range=(int(grams["ngram_range"][0]), int(grams["ngram_range"][1])),
                    columns=stored["columns"].astype(np.int32),
                    weights=stored["weights"].astype(np.float32),
                    bias=float(stored["bias"]),
                )
            if head.char_grams.sha256() != grams["sha256"]:
                raise HeadMismatch(
                    f"head {head.name!r}: its n-gram model's file is not the one it was saved with"
                )
        return head

    def threshold_for(self, language: str | None) -> float | None:
        """The decision threshold for a comment in ``language``: English's, or
        the one set on the other languages where the card has one."""
        if is_english(language):
            return self.threshold
        return self.card.get("threshold_other_languages", self.threshold)

    def save(self, path: Path) -> None:
        """The JSON at ``path``, and the hidden layer's file beside it where the head has one."""
        if self.hidden_weights is not None and self.hidden_bias is not None:
            np.savez(path.parent / self.hidden_layer_file, weights=self.hidden_weights, bias=self.hidden_bias)
        if self.char_grams is not None:
            np.savez_compressed(
                path.parent / self.char_grams_file,
                columns=self.char_grams.columns,
                weights=self.char_grams.weights,
                bias=np.float32(self.char_grams.bias),
            )
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


@cache
def shipped_head(filename: str) -> LinearHead:
    """A head committed under ``poll/tagging/models``."""
    return LinearHead.from_json(json.loads((MODELS_DIR / filename).read_text(encoding="utf-8")))
