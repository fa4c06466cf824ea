"""mpnet's top layers fitted to stance, as a branch with low-rank adapters (rule F in data/README.md).

    python -m poll.tagging.training.stance_branch --dev        # fitted on train: dev macro-F1 by epoch
    python -m poll.tagging.training.stance_branch --epochs N   # fitted on train + dev: writes the adapters

Training only, and the one part of training that needs PyTorch (``make finetune`` installs the CPU
wheel into an environment of its own; the tagger never imports this module). After ``--epochs``, the
adapters' and the graph's SHA-256 go into ``mpnet`` and ``make install`` builds the graph with the branch;
``train --only english-stance`` then fits the head over it. The bottom
``FIRST_BRANCH_LAYER`` layers stay frozen and their output is computed once per string; the branch's
copies of the top layers carry adapters (``up @ down``, rank ``RANK``) fitted to predict stance from
the branch's mean-pooled vector of the whole comment. What is kept is the adapters and the branch's
layer norms: ``mpnet_graph`` merges them into the branch's weights when it builds the graph.
"""

import argparse
import json
import math
import random
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np

from poll.tagging import mpnet
from poll.tagging.mpnet_graph import ADAPTER_SCALE as SCALE
from poll.tagging.mpnet_graph import BRANCH_LAYERS, HEAD_SIZE, HEADS, LAYER_NORM_EPSILON, LAYERS

FIRST_BRANCH_LAYER = LAYERS - BRANCH_LAYERS
RANK, DROPOUT = 16, 0.1
EPOCHS = 4  # one run of this many; dev chooses where to stop it
LEARNING_RATE, WARM_UP, BATCH, WEIGHT_DECAY = 3e-4, 0.1, 16, 0.01
MAX_TOKENS = 128  # the stance rows are at most 220 characters: about 60 tokens
ADAPTED = ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o")
ADAPTED_FEED_FORWARD = ("intermediate.dense", "output.dense")
NORMS = ("attention.LayerNorm", "output.LayerNorm")


def _torch():
    import torch

    return torch


def build_modules(weights: dict[str, np.ndarray]):
    """(bottom, branch): the frozen embeddings and first layers, and the branch's adapted top layers."""
    torch = _torch()
    nn, functional = torch.nn, torch.nn.functional
    module: Any = nn.Module  # PyTorch is no dependency of the type checker's environment

    def tensor(name: str):
        return torch.from_numpy(np.ascontiguousarray(weights[name])).float()

    class Linear(module):
        def __init__(self, prefix: str, adapted: bool) -> None:
            super().__init__()
            self.register_buffer("weight", tensor(prefix + ".weight"))
            self.register_buffer("bias", tensor(prefix + ".bias"))
            self.adapted = adapted
            if adapted:
                out_features, in_features = self.weight.shape
                self.down = nn.Parameter(torch.empty(RANK, in_features))
                nn.init.kaiming_uniform_(self.down, a=math.sqrt(5))
                self.up = nn.Parameter(torch.zeros(out_features, RANK))
                self.dropout = nn.Dropout(DROPOUT)

        def forward(self, x):
            y = functional.linear(x, self.weight, self.bias)
            if self.adapted:
                y = y + SCALE * functional.linear(functional.linear(self.dropout(x), self.down), self.up)
            return y

    class LayerNorm(module):
        def __init__(self, prefix: str, trainable: bool) -> None:
            super().__init__()
            if trainable:
                self.weight = nn.Parameter(tensor(prefix + ".weight"))
                self.bias = nn.Parameter(tensor(prefix + ".bias"))
            else:
                self.register_buffer("weight", tensor(prefix + ".weight"))
                self.register_buffer("bias", tensor(prefix + ".bias"))

        def forward(self, x):
            return functional.layer_norm(x, (x.shape[-1],), self.weight, self.bias, LAYER_NORM_EPSILON)

    class Layer(module):
        def __init__(self, index: int, adapted: bool) -> None:
            super().__init__()
            prefix = f"encoder.layer.{index}."
            self.maps = nn.ModuleDict(
                {
                    name.replace(".", "_"): Linear(prefix + name, adapted)
                    for name in ADAPTED + ADAPTED_FEED_FORWARD
                }
            )
            self.norms = nn.ModuleDict(
                {name.replace(".", "_"): LayerNorm(prefix + name, adapted) for name in NORMS}
            )

        def forward(self, x, bias):
            batch, tokens, _ = x.shape

            def heads(name: str):
                return self.maps[name](x).view(batch, tokens, HEADS, HEAD_SIZE).transpose(1, 2)

            query, key, value = (heads(f"attention_attn_{part}") for part in "qkv")
            scores = query @ key.transpose(-1, -2) / math.sqrt(HEAD_SIZE) + bias
            context = (scores.softmax(dim=-1) @ value).transpose(1, 2).reshape(batch, tokens, -1)
            attended = self.norms["attention_LayerNorm"](self.maps["attention_attn_o"](context) + x)
            inner = functional.gelu(self.maps["intermediate_dense"](attended))
            return self.norms["output_LayerNorm"](self.maps["output_dense"](inner) + attended)

    class Stack(module):
        def __init__(self, indices: Iterable[int], adapted: bool) -> None:
            super().__init__()
            self.layers = nn.ModuleList([Layer(index, adapted) for index in indices])
            self.register_buffer("relative", tensor("encoder.relative_attention_bias.weight"))

        def forward(self, x, mask):
            buckets = torch.from_numpy(mpnet.relative_buckets(x.shape[1]))
            bias = self.relative[buckets].permute(2, 0, 1).unsqueeze(0)
            bias = bias + (1.0 - mask[:, None, None, :].float()) * -1e9
            for layer in self.layers:
                x = layer(x, bias)
            return x

    class Bottom(module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("words", tensor("embeddings.word_embeddings.weight"))
            self.register_buffer("positions", tensor("embeddings.position_embeddings.weight"))
            self.norm = LayerNorm("embeddings.LayerNorm", False)
            self.stack = Stack(range(FIRST_BRANCH_LAYER), False)

        def forward(self, ids, mask):
            positions = torch.cumsum(mask, dim=1) * mask + mpnet.PADDING_ID
            return self.stack(self.norm(self.words[ids] + self.positions[positions]), mask)

    return Bottom(), Stack(range(FIRST_BRANCH_LAYER, LAYERS), True)


def adapter_arrays(branch) -> dict[str, np.ndarray]:
    """The branch's trained tensors by the name of the mpnet weight they change (``….down``, ``….up``,
    and the layer norms' ``….weight`` and ``….bias``)."""
    arrays = {}
    for offset, layer in enumerate(branch.layers):
        prefix = f"encoder.layer.{FIRST_BRANCH_LAYER + offset}."
        for name in ADAPTED + ADAPTED_FEED_FORWARD:
            module = layer.maps[name.replace(".", "_")]
            arrays[prefix + name + ".down"] = module.down.detach().numpy().copy()
            arrays[prefix + name + ".up"] = module.up.detach().numpy().copy()
        for name in NORMS:
            module = layer.norms[name.replace(".", "_")]
            arrays[prefix + name + ".weight"] = module.weight.detach().numpy().copy()
            arrays[prefix + name + ".bias"] = module.bias.detach().numpy().copy()
    return arrays


def load_adapters(branch, arrays: dict[str, np.ndarray]) -> None:
    """Put ``adapter_arrays``' tensors back into a branch."""
    torch = _torch()
    with torch.no_grad():
        for offset, layer in enumerate(branch.layers):
            prefix = f"encoder.layer.{FIRST_BRANCH_LAYER + offset}."
            for name in ADAPTED + ADAPTED_FEED_FORWARD:
                module = layer.maps[name.replace(".", "_")]
                module.down.copy_(torch.from_numpy(arrays[prefix + name + ".down"]))
                module.up.copy_(torch.from_numpy(arrays[prefix + name + ".up"]))
            for name in NORMS:
                module = layer.norms[name.replace(".", "_")]
                module.weight.copy_(torch.from_numpy(arrays[prefix + name + ".weight"]))
                module.bias.copy_(torch.from_numpy(arrays[prefix + name + ".bias"]))


class BottomStates:
    """Each string's output of the frozen layers, computed once (float16, without padding)."""

    def __init__(self, bottom, tokenizer) -> None:
        self.bottom, self.tokenizer = bottom, tokenizer
        self.states: dict[str, np.ndarray] = {}

    def add(self, strings: Iterable[str], batch_size: int = 32) -> None:
        torch = _torch()
        wanted = sorted({text for text in strings if text not in self.states}, key=len)
        with torch.no_grad():
            for start in range(0, len(wanted), batch_size):
                chunk = wanted[start : start + batch_size]
                ids, mask = self._encode(chunk)
                hidden = self.bottom(ids, mask).numpy()
                lengths = mask.sum(dim=1).tolist()
                for text, state, length in zip(chunk, hidden, lengths, strict=True):
                    self.states[text] = state[:length].astype(np.float16)

    def _encode(self, texts: list[str]):
        torch = _torch()
        encodings = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([encoding.ids for encoding in encodings], dtype=torch.long)
        mask = torch.tensor([encoding.attention_mask for encoding in encodings], dtype=torch.long)
        return ids, mask

    def batch(self, texts: list[str]):
        """(states, mask) padded to the longest of ``texts``."""
        torch = _torch()
        longest = max(len(self.states[text]) for text in texts)
        states = np.zeros((len(texts), longest, HEADS * HEAD_SIZE), dtype=np.float32)
        mask = np.zeros((len(texts), longest), dtype=np.int64)
        for row, text in enumerate(texts):
            state = self.states[text]
            states[row, : len(state)] = state
            mask[row, : len(state)] = 1
        return torch.from_numpy(states), torch.from_numpy(mask)


def pooled(branch, states, mask):
    """Unit-length mean of the branch's output over each string's tokens, as the encoder gives it."""
    hidden = branch(states, mask)
    weights = mask[:, :, None].float()
    mean = (hidden * weights).sum(dim=1) / weights.sum(dim=1)
    return mean / mean.norm(dim=1, keepdim=True)


def embedder(branch, store: BottomStates, batch_size: int = 64):
    """An ``embed`` function over the branch, for ``features.comment_features``."""
    torch = _torch()

    def embed(texts: list[str]) -> np.ndarray:
        store.add(texts)
        branch.eval()
        order = sorted(range(len(texts)), key=lambda index: len(store.states[texts[index]]))
        vectors = np.zeros((len(texts), HEADS * HEAD_SIZE), dtype=np.float32)
        with torch.no_grad():
            for start in range(0, len(order), batch_size):
                chosen = order[start : start + batch_size]
                states, mask = store.batch([texts[index] for index in chosen])
                vectors[chosen] = pooled(branch, states, mask).numpy()
        return vectors

    embed.store = store  # type: ignore[attr-defined]
    return embed


def fit_branch(
    branch, store: BottomStates, texts: list[str], targets: np.ndarray, stop_after: int, after_epoch=None
):
    """Fit the adapters (and layer norms): one run of EPOCHS passes (its warm-up a share of all EPOCHS),
    stopped after ``stop_after`` of them; ``after_epoch(epoch)`` after each."""
    torch = _torch()
    torch.manual_seed(0)
    random.seed(0)
    store.add(texts)
    labels = int(targets.max()) + 1
    counts = np.bincount(targets, minlength=labels)
    class_weights = torch.tensor(len(targets) / (labels * counts), dtype=torch.float32)
    classifier = torch.nn.Linear(HEADS * HEAD_SIZE, labels)
    parameters = [parameter for parameter in branch.parameters() if parameter.requires_grad]
    optimiser = torch.optim.AdamW(
        [*parameters, *classifier.parameters()], lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY
    )
    steps_per_epoch = math.ceil(len(texts) / BATCH)
    warm_up = max(1, int(WARM_UP * steps_per_epoch * EPOCHS))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: min(1.0, (step + 1) / warm_up))
    loss_of = torch.nn.CrossEntropyLoss(weight=class_weights)
    indices = list(range(len(texts)))
    for epoch in range(1, stop_after + 1):
        branch.train()
        random.shuffle(indices)
        total = 0.0
        for start in range(0, len(indices), BATCH):
            chosen = indices[start : start + BATCH]
            states, mask = store.batch([texts[index] for index in chosen])
            # The classifier reads the pooled vector scaled up: unit vectors give logits too small to learn.
            logits = classifier(pooled(branch, states, mask) * 20.0)
            loss = loss_of(logits, torch.from_numpy(targets[chosen]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(chosen)
        print(f"epoch {epoch}: training loss {total / len(texts):.4f}", flush=True)
        if after_epoch is not None:
            after_epoch(epoch)
    branch.eval()


def packaged_modules():
    """(bottom, branch, tokenizer) from the packaged mpnet weights."""
    from safetensors.numpy import load
    from tokenizers import Tokenizer

    from poll.tagging.mpnet_graph import packaged_files

    files = packaged_files()
    bottom, branch = build_modules(load(files["model.safetensors"]))
    tokenizer = Tokenizer.from_str(files["tokenizer.json"].decode())
    tokenizer.enable_truncation(mpnet.MAX_TOKENS)
    tokenizer.enable_padding(pad_id=mpnet.PADDING_ID, pad_token="<pad>")  # noqa: S106 (a token)
    return bottom, branch, tokenizer


def _rows(splits: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    from poll.tagging.fitting import encode_labels
    from poll.tagging.training.datasets import ENGLISH_STANCE_FILES, HELD_OUT_STANCE, fitting_rows
    from poll.tagging.training.measure import STANCE_LABELS

    rows = fitting_rows(ENGLISH_STANCE_FILES, splits, HELD_OUT_STANCE)
    return [row["text"] for row in rows], encode_labels([row["stance"] for row in rows], STANCE_LABELS)


def dev_figures() -> dict[int, dict[float, float]]:
    """After each epoch of the branch fitted on train, B's head refitted over it on train: dev macro-F1
    by the hidden layer's L2 strength (epoch 0: the frozen encoder)."""
    from poll.tagging.features import comment_features
    from poll.tagging.training.measure import STANCE_LABELS
    from poll.tagging.training.stance import choose_strength

    (train, train_y), (dev, dev_y) = _rows(("train",)), _rows(("dev",))
    bottom, branch, tokenizer = packaged_modules()
    embed = embedder(branch, BottomStates(bottom, tokenizer))
    figures = {}

    def measure(epoch: int) -> None:
        train_x, dev_x = comment_features(train, embed), comment_features(dev, embed)
        figures[epoch] = choose_strength(train_x, train_y, dev_x, dev_y, STANCE_LABELS, network=True)[1]
        print(f"epoch {epoch}: dev macro-F1 by L2 strength {figures[epoch]}", flush=True)

    measure(0)
    fit_branch(branch, embed.store, train, train_y, EPOCHS, measure)
    return figures


def fit_final(stop_after: int) -> dict[str, np.ndarray]:
    """The branch fitted on train + dev, stopped where dev said."""
    texts, targets = _rows(("train", "dev"))
    bottom, branch, tokenizer = packaged_modules()
    fit_branch(branch, BottomStates(bottom, tokenizer), texts, targets, stop_after)
    return adapter_arrays(branch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument(
        "--dev", action="store_true", help="fit on train, print dev macro-F1 after each epoch"
    )
    chosen.add_argument(
        "--epochs", type=int, choices=range(1, EPOCHS + 1), help="fit on train + dev, stop here"
    )
    args = parser.parse_args(argv)
    _torch().set_num_threads(2)
    if args.dev:
        print(json.dumps(dev_figures(), indent=1))
        return 0
    arrays: dict[str, Any] = fit_final(args.epochs)
    np.savez(mpnet.BRANCH_FILE, **arrays)
    print(f"{mpnet.BRANCH_FILE}: written; put its SHA-256 in poll/tagging/mpnet.py and run `make install`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
