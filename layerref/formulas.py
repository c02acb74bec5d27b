"""Parameter counts and output shapes of the layer families, as closed formulas.

Each function states the formula torch implements; the tests check each one
against torch itself over hundreds of random configurations. Invalid
arguments raise `ValueError` (or `TypeError`) naming the argument.

Examples:
    >>> conv_params(3, 16, 3)            # Conv2d(3, 16, 3): 3*3*3*16 + 16
    448
    >>> conv_output_shape((32, 32), kernel_size=3, stride=2, padding=1)
    (16, 16)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from layerref._errors import check_positive_int

IntOrTuple = int | Sequence[int]
RNNMode = Literal["RNN", "LSTM", "GRU"]

#: Gate blocks stacked in each RNN weight matrix: 1 for RNN, 4 for LSTM (i, f, g, o),
#: 3 for GRU (r, z, n).
GATES: dict[str, int] = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _expand(
    name: str, value: IntOrTuple, dims: int, *, allow_zero: bool = False
) -> tuple[int, ...]:
    """Turn an int or a tuple into a ``dims``-tuple of checked ints."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != dims:
            raise ValueError(f"{name} must have {dims} entries for {dims}-d, got {tuple(value)}")
        return tuple(check_positive_int(name, v, allow_zero=allow_zero) for v in value)
    return (check_positive_int(name, value, allow_zero=allow_zero),) * dims


def _check_dims(dims: int) -> int:
    if dims not in (1, 2, 3):
        raise ValueError(f"dims must be 1, 2 or 3, got {dims!r}")
    return dims


def _check_groups(in_channels: int, out_channels: int, groups: int) -> None:
    check_positive_int("groups", groups)
    if in_channels % groups:
        raise ValueError(f"in_channels={in_channels} must be divisible by groups={groups}")
    if out_channels % groups:
        raise ValueError(f"out_channels={out_channels} must be divisible by groups={groups}")


# --- parameter counts ------------------------------------------------------------


def linear_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """`nn.Linear`: ``in_features * out_features + out_features`` (bias).

    Examples:
        >>> linear_params(6144, 1)
        6145
    """
    check_positive_int("in_features", in_features, allow_zero=True)
    check_positive_int("out_features", out_features, allow_zero=True)
    return in_features * out_features + (out_features if bias else 0)


def bilinear_params(
    in1_features: int, in2_features: int, out_features: int, bias: bool = True
) -> int:
    """`nn.Bilinear`: weight ``(out, in1, in2)`` plus bias ``(out,)``.

    Examples:
        >>> bilinear_params(3, 4, 5)
        65
    """
    for name, value in (
        ("in1_features", in1_features),
        ("in2_features", in2_features),
        ("out_features", out_features),
    ):
        check_positive_int(name, value)
    return in1_features * in2_features * out_features + (out_features if bias else 0)


def embedding_params(num_embeddings: int, embedding_dim: int) -> int:
    """`nn.Embedding` / `nn.EmbeddingBag`: one row of ``embedding_dim`` per index.

    Examples:
        >>> embedding_params(10000, 3)
        30000
    """
    check_positive_int("num_embeddings", num_embeddings)
    check_positive_int("embedding_dim", embedding_dim)
    return num_embeddings * embedding_dim


def conv_params(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    *,
    dims: int = 2,
    groups: int = 1,
    bias: bool = True,
) -> int:
    """`nn.Conv1d/2d/3d`: ``in_channels / groups * prod(kernel_size) * out_channels`` weights
    plus ``out_channels`` biases.

    The bias adds one value per *output channel* (per kernel), not per kernel
    element as the study notes claim.

    Args:
        in_channels: Input channels.
        out_channels: Output channels (number of kernels).
        kernel_size: An int (the same in every dimension) or a ``dims``-tuple.
        dims: 1, 2 or 3.
        groups: Channel groups; ``groups == in_channels`` is a depthwise convolution.
        bias: Whether the layer has a bias.

    Examples:
        >>> conv_params(3, 16, 5, dims=1)
        256
        >>> conv_params(32, 32, 3, groups=32)  # depthwise
        320
    """
    weights = (
        in_channels // groups * _conv_volume(in_channels, out_channels, kernel_size, dims, groups)
    )
    return weights * out_channels + (out_channels if bias else 0)


def conv_transpose_params(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    *,
    dims: int = 2,
    groups: int = 1,
    bias: bool = True,
) -> int:
    """`nn.ConvTranspose1d/2d/3d`: weight ``(in, out / groups, *kernel)`` plus ``out`` biases.

    The count equals that of the convolution going the other way
    (``conv_params(out, in, ...)``) except for the bias.

    Examples:
        >>> conv_transpose_params(16, 3, 3)
        435
    """
    volume = _conv_volume(in_channels, out_channels, kernel_size, dims, groups)
    return in_channels * (out_channels // groups) * volume + (out_channels if bias else 0)


def _conv_volume(
    in_channels: int, out_channels: int, kernel_size: IntOrTuple, dims: int, groups: int
) -> int:
    """Check a convolution's arguments and return its kernel volume ``prod(kernel_size)``."""
    _check_dims(dims)
    check_positive_int("in_channels", in_channels)
    check_positive_int("out_channels", out_channels)
    _check_groups(in_channels, out_channels, groups)
    return math.prod(_expand("kernel_size", kernel_size, dims))


def batch_norm_params(num_features: int, affine: bool = True, *, bias: bool = True) -> int:
    """`nn.BatchNorm1d/2d/3d`: ``weight`` (and ``bias``) of size ``num_features`` when affine.

    The running mean and variance are buffers, not parameters.

    Examples:
        >>> batch_norm_params(64), batch_norm_params(64, bias=False)
        (128, 64)
    """
    check_positive_int("num_features", num_features)
    return _affine_count(num_features, affine, bias)


def instance_norm_params(num_features: int, affine: bool = False, *, bias: bool = True) -> int:
    """`nn.InstanceNorm1d/2d/3d`: like batch norm, but ``affine`` defaults to ``False``.

    Examples:
        >>> instance_norm_params(64), instance_norm_params(64, affine=True)
        (0, 128)
    """
    return batch_norm_params(num_features, affine, bias=bias)


def _affine_count(size: int, affine: bool, bias: bool) -> int:
    """A per-feature scale, plus a shift unless ``bias=False``; nothing without affine."""
    return size * (2 if bias else 1) if affine else 0


def layer_norm_params(
    normalized_shape: IntOrTuple, elementwise_affine: bool = True, bias: bool = True
) -> int:
    """`nn.LayerNorm`: a weight (and bias) of shape ``normalized_shape``.

    Examples:
        >>> layer_norm_params((10, 8)), layer_norm_params(8, bias=False)
        (160, 8)
    """
    return _affine_count(_normalized_size(normalized_shape), elementwise_affine, bias)


def rms_norm_params(normalized_shape: IntOrTuple, elementwise_affine: bool = True) -> int:
    """`nn.RMSNorm`: a weight of shape ``normalized_shape`` and no bias.

    Examples:
        >>> rms_norm_params((10, 8)), rms_norm_params(8, elementwise_affine=False)
        (80, 0)
    """
    return _affine_count(_normalized_size(normalized_shape), elementwise_affine, bias=False)


def _normalized_size(normalized_shape: IntOrTuple) -> int:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape:
        raise ValueError("normalized_shape must have at least one dimension")
    return math.prod(check_positive_int("normalized_shape", s) for s in shape)


def group_norm_params(
    num_groups: int, num_channels: int, affine: bool = True, *, bias: bool = True
) -> int:
    """`nn.GroupNorm`: per-channel ``weight`` and ``bias`` (not per group).

    Examples:
        >>> group_norm_params(4, 32)
        64
    """
    check_positive_int("num_groups", num_groups)
    check_positive_int("num_channels", num_channels)
    if num_channels % num_groups:
        raise ValueError(
            f"num_channels={num_channels} must be divisible by num_groups={num_groups}"
        )
    return _affine_count(num_channels, affine, bias)


def rnn_params(
    mode: RNNMode,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    *,
    bias: bool = True,
    bidirectional: bool = False,
    proj_size: int = 0,
) -> int:
    """`nn.RNN` / `nn.LSTM` / `nn.GRU` parameter count.

    Per layer and direction, with ``G`` gate blocks (RNN 1, GRU 3, LSTM 4),
    ``H = hidden_size`` and ``R = proj_size or H`` (the size of ``h``):

    - ``weight_ih``: ``G*H x input`` (input is ``input_size`` for layer 0,
      ``R * directions`` above it);
    - ``weight_hh``: ``G*H x R``;
    - ``bias_ih`` and ``bias_hh``: ``G*H`` each (PyTorch keeps two bias vectors);
    - LSTM with ``proj_size > 0``: ``weight_hr``: ``R x H``.

    Examples:
        >>> rnn_params("LSTM", 10, 20)  # 4*20*(10 + 20) + 2*4*20
        2560
        >>> rnn_params("GRU", 10, 20) * 4 == rnn_params("LSTM", 10, 20) * 3
        True
    """
    if mode not in GATES:
        raise ValueError(f"mode must be one of {tuple(GATES)}, got {mode!r}")
    check_positive_int("input_size", input_size)
    check_positive_int("hidden_size", hidden_size)
    check_positive_int("num_layers", num_layers)
    check_positive_int("proj_size", proj_size, allow_zero=True)
    if proj_size and mode != "LSTM":
        raise ValueError(f"proj_size is only supported by LSTM, got mode={mode!r}")
    if proj_size >= hidden_size:
        raise ValueError(f"proj_size={proj_size} must be smaller than hidden_size={hidden_size}")
    gates_h = GATES[mode] * hidden_size
    out_size = proj_size or hidden_size
    directions = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else out_size * directions
        per_direction = gates_h * layer_input + gates_h * out_size
        per_direction += 2 * gates_h if bias else 0
        per_direction += out_size * hidden_size if proj_size else 0
        total += per_direction * directions
    return total


def multihead_attention_params(
    embed_dim: int,
    num_heads: int,
    *,
    kdim: int | None = None,
    vdim: int | None = None,
    bias: bool = True,
    add_bias_kv: bool = False,
) -> int:
    """`nn.MultiheadAttention`: Q, K, V input projections plus the output projection.

    ``num_heads`` splits ``embed_dim`` but adds no parameters:
    ``E*E + E*kdim + E*vdim + E*E`` weights, ``3E + E`` biases, and ``2E`` more
    for ``add_bias_kv``.

    Examples:
        >>> multihead_attention_params(16, 4) == multihead_attention_params(16, 1)
        True
        >>> multihead_attention_params(16, 4)
        1088
    """
    check_positive_int("embed_dim", embed_dim)
    check_positive_int("num_heads", num_heads)
    if embed_dim % num_heads:
        raise ValueError(f"embed_dim={embed_dim} must be divisible by num_heads={num_heads}")
    kdim = embed_dim if kdim is None else check_positive_int("kdim", kdim)
    vdim = embed_dim if vdim is None else check_positive_int("vdim", vdim)
    weights = embed_dim * (embed_dim + kdim + vdim) + embed_dim * embed_dim
    biases = 4 * embed_dim if bias else 0
    extra = 2 * embed_dim if add_bias_kv else 0
    return weights + biases + extra


# --- output shapes ---------------------------------------------------------------

Padding = IntOrTuple | Literal["same", "valid"]


def conv_output_shape(
    input_size: Sequence[int],
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
) -> tuple[int, ...]:
    """Spatial output size of `nn.Conv1d/2d/3d` (one entry per spatial dimension).

    ``out = floor((in + 2*padding - dilation*(kernel - 1) - 1) / stride + 1)``;
    ``padding="same"`` keeps ``in`` (stride 1 only), ``"valid"`` means 0.

    Args:
        input_size: The spatial sizes, e.g. ``(H, W)``; batch and channels excluded.
        kernel_size: Int or tuple.
        stride: Int or tuple.
        padding: Int, tuple, ``"same"`` or ``"valid"``.
        dilation: Int or tuple.

    Examples:
        >>> conv_output_shape((200,), 5)
        (196,)
        >>> conv_output_shape((28, 28), 3, padding="same")
        (28, 28)
    """
    dims = _spatial_dims(input_size)
    k = _expand("kernel_size", kernel_size, dims)
    s = _expand("stride", stride, dims)
    d = _expand("dilation", dilation, dims)
    if padding == "same":
        if any(v != 1 for v in s):
            raise ValueError("padding='same' requires stride=1")
        return tuple(input_size)
    p = (0,) * dims if padding == "valid" else _expand("padding", padding, dims, allow_zero=True)
    out = tuple(
        (i + 2 * pp - dd * (kk - 1) - 1) // ss + 1
        for i, kk, ss, pp, dd in zip(input_size, k, s, p, d, strict=True)
    )
    _check_output_positive(input_size, out)
    return out


def conv_transpose_output_shape(
    input_size: Sequence[int],
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> tuple[int, ...]:
    """Spatial output size of `nn.ConvTranspose1d/2d/3d`.

    ``out = (in - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1``;
    ``output_padding`` must be smaller than ``stride`` or ``dilation``.

    Examples:
        >>> conv_transpose_output_shape((16, 16), 3, stride=2, padding=1, output_padding=1)
        (32, 32)
    """
    dims = _spatial_dims(input_size)
    k = _expand("kernel_size", kernel_size, dims)
    s = _expand("stride", stride, dims)
    p = _expand("padding", padding, dims, allow_zero=True)
    op = _expand("output_padding", output_padding, dims, allow_zero=True)
    d = _expand("dilation", dilation, dims)
    for o, ss, dd in zip(op, s, d, strict=True):
        if o >= max(ss, dd):
            raise ValueError(
                f"output_padding={o} must be smaller than stride={ss} or dilation={dd}"
            )
    out = tuple(
        (i - 1) * ss - 2 * pp + dd * (kk - 1) + o + 1
        for i, kk, ss, pp, o, dd in zip(input_size, k, s, p, op, d, strict=True)
    )
    _check_output_positive(input_size, out)
    return out


def pool_output_shape(
    input_size: Sequence[int],
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
) -> tuple[int, ...]:
    """Spatial output size of `nn.MaxPool1d/2d/3d` and (with ``dilation=1``) `nn.AvgPool1d/2d/3d`.

    ``out = floor_or_ceil((in + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1``,
    where ``stride`` defaults to ``kernel_size``. With ``ceil_mode=True`` a last
    window that would start in the right padding is dropped. ``padding`` may be
    at most half the kernel size. (`nn.AvgPool3d` alone also rejects an input
    smaller than the kernel, even where padding would make room.)

    Examples:
        >>> pool_output_shape((196,), 2)
        (98,)
        >>> pool_output_shape((5, 5), 2, ceil_mode=True)
        (3, 3)
    """
    dims = _spatial_dims(input_size)
    k = _expand("kernel_size", kernel_size, dims)
    s = k if stride is None else _expand("stride", stride, dims)
    p = _expand("padding", padding, dims, allow_zero=True)
    d = _expand("dilation", dilation, dims)
    out = []
    for i, kk, ss, pp, dd in zip(input_size, k, s, p, d, strict=True):
        if pp > kk // 2:
            raise ValueError(f"padding={pp} must be at most half of kernel_size={kk}")
        span = i + 2 * pp - dd * (kk - 1) - 1
        size = (-(-span // ss) if ceil_mode else span // ss) + 1
        if ceil_mode and (size - 1) * ss >= i + pp:
            size -= 1
        out.append(size)
    _check_output_positive(input_size, tuple(out))
    return tuple(out)


def _spatial_dims(input_size: Sequence[int]) -> int:
    if isinstance(input_size, int) or not isinstance(input_size, Sequence):
        raise TypeError(f"input_size must be a tuple of spatial sizes, got {input_size!r}")
    _check_dims(len(input_size))
    for size in input_size:
        check_positive_int("input_size", size)
    return len(input_size)


def _check_output_positive(input_size: Sequence[int], out: tuple[int, ...]) -> None:
    if any(o < 1 for o in out):
        raise ValueError(
            f"input_size={tuple(input_size)} is too small for these settings: output would be {out}"
        )
