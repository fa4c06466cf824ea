"""The stance branch's PyTorch modules: mpnet's frozen bottom layers, the branch's adapted top layers,
and moving the adapters in and out of them (rule F in data/README.md; ``stance_branch`` fits them).

Training and test-reference code only: the tagger runs the branch in the ONNX graph ``mpnet_graph``
builds, and never imports PyTorch.
"""

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from poll.tagging import mpnet
from poll.tagging.mpnet_graph import ADAPTER_SCALE as SCALE
from poll.tagging.mpnet_graph import BRANCH_LAYERS, HEAD_SIZE, HEADS, LAYER_NORM_EPSILON, LAYERS

FIRST_BRANCH_LAYER = LAYERS - BRANCH_LAYERS
RANK, DROPOUT = 16, 0.1
ADAPTED = ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o")
ADAPTED_FEED_FORWARD = ("intermediate.dense", "output.dense")
NORMS = ("attention.LayerNorm", "output.LayerNorm")


def load_torch():
    import torch

    return torch


def build_modules(weights: dict[str, np.ndarray]):
    """(bottom, branch): the frozen embeddings and first layers, and the branch's adapted top layers."""
    torch = load_torch()
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
    torch = load_torch()
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
        torch = load_torch()
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
        torch = load_torch()
        encodings = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([encoding.ids for encoding in encodings], dtype=torch.long)
        mask = torch.tensor([encoding.attention_mask for encoding in encodings], dtype=torch.long)
        return ids, mask

    def batch(self, texts: list[str]):
        """(states, mask) padded to the longest of ``texts``."""
        torch = load_torch()
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


class BranchEmbedder:
    """An ``embed`` function over the branch, for ``features.comment_features``; ``store`` keeps each
    string's frozen layers' output, so the fitting loop reuses it."""

    def __init__(self, branch, store: BottomStates, batch_size: int = 64) -> None:
        self.branch, self.store, self.batch_size = branch, store, batch_size

    def __call__(self, texts: list[str]) -> np.ndarray:
        torch = load_torch()
        self.store.add(texts)
        self.branch.eval()
        order = sorted(range(len(texts)), key=lambda index: len(self.store.states[texts[index]]))
        vectors = np.zeros((len(texts), HEADS * HEAD_SIZE), dtype=np.float32)
        with torch.no_grad():
            for start in range(0, len(order), self.batch_size):
                chosen = order[start : start + self.batch_size]
                states, mask = self.store.batch([texts[index] for index in chosen])
                vectors[chosen] = pooled(self.branch, states, mask).numpy()
        return vectors


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
