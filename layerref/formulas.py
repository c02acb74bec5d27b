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

import ast
import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

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


def adaptive_pool_bins(
    input_size: Sequence[int], output_size: int | Sequence[int | None] | None
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The input window of every output position of `nn.AdaptiveAvgPool1d/2d/3d` (and Max).

    Output position ``i`` of a dimension of size ``in`` pooled to ``out`` covers input
    positions ``start = floor(i * in / out)`` up to ``end = ceil((i + 1) * in / out)``
    (``end`` excluded). The windows overlap when ``out`` does not divide ``in``, and
    ``out`` may exceed ``in`` (positions repeat) or be 0. ``None`` keeps the input size.

    Args:
        input_size: The spatial sizes, e.g. ``(H, W)``; batch and channels excluded.
        output_size: An int (every dimension), or one int per dimension; in 2-d and 3-d
            an entry may be ``None``.

    Returns:
        One tuple per dimension of ``(start, end)`` pairs, one pair per output position.

    Examples:
        >>> adaptive_pool_bins((5,), 3)
        (((0, 2), (1, 4), (3, 5)),)
        >>> adaptive_pool_bins((4, 3), (2, None))
        (((0, 2), (2, 4)), ((0, 1), (1, 2), (2, 3)))
    """
    dims = _spatial_dims(input_size)
    if isinstance(output_size, Sequence) and not isinstance(output_size, str):
        if len(output_size) != dims:
            raise ValueError(
                f"output_size must have {dims} entries for {dims}-d, got {tuple(output_size)}"
            )
        sizes = tuple(output_size)
        if dims == 1 and sizes[0] is None:
            raise TypeError("output_size must be an int for 1-d pooling (None only in 2-d, 3-d)")
    elif output_size is None:
        raise TypeError("output_size must be an int or a tuple, got None")
    else:
        sizes = (output_size,) * dims
    bins = []
    for size_in, size_out in zip(input_size, sizes, strict=True):
        out = (
            size_in
            if size_out is None
            else check_positive_int("output_size", size_out, allow_zero=True)
        )
        bins.append(tuple((i * size_in // out, -(-(i + 1) * size_in // out)) for i in range(out)))
    return tuple(bins)


def unfold_block_count(
    input_size: Sequence[int],
    kernel_size: IntOrTuple,
    dilation: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    stride: IntOrTuple = 1,
) -> int:
    """The number of sliding blocks ``L`` that `nn.Unfold` / `F.unfold` extracts.

    Per spatial dimension ``floor((in + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1``
    blocks, each of which must be at least one; ``L`` is their product. The output of
    `nn.Unfold` is ``(N, C * prod(kernel_size), L)``. Only 2-d inputs (``(N, C, H, W)``
    or ``(C, H, W)``) are supported by torch.

    Args:
        input_size: The spatial size ``(H, W)``.
        kernel_size: Int or pair, in the order of `nn.Unfold`'s arguments.
        dilation: Int or pair.
        padding: Int or pair.
        stride: Int or pair.

    Examples:
        >>> unfold_block_count((4, 5), 2)  # 3 * 4 positions of a 2x2 window
        12
        >>> unfold_block_count((28, 28), 4, stride=4)
        49
    """
    if len(input_size) != 2 or isinstance(input_size, str):
        raise ValueError(
            f"input_size must be (H, W): Unfold takes 2-d inputs only, got {input_size!r}"
        )
    _spatial_dims(input_size)
    k = _expand("kernel_size", kernel_size, 2)
    d = _expand("dilation", dilation, 2)
    p = _expand("padding", padding, 2, allow_zero=True)
    s = _expand("stride", stride, 2)
    blocks = tuple(
        (i + 2 * pp - dd * (kk - 1) - 1) // ss + 1
        for i, kk, dd, pp, ss in zip(input_size, k, d, p, s, strict=True)
    )
    if any(b < 1 for b in blocks):
        raise ValueError(
            f"input_size={tuple(input_size)} is too small for kernel_size={k}, dilation={d}, "
            f"padding={p}: the array of sliding blocks would be {blocks}, but its components "
            "must be at least one"
        )
    return math.prod(blocks)


#: The modes of `F.interpolate` and the number of spatial dimensions each needs
#: (``None``: 1, 2 or 3).
INTERPOLATE_MODES: dict[str, int | None] = {
    "nearest": None,
    "nearest-exact": None,
    "area": None,
    "linear": 1,
    "bilinear": 2,
    "bicubic": 2,
    "trilinear": 3,
}


def interpolate_output_shape(
    input_size: Sequence[int],
    size: IntOrTuple | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    recompute_scale_factor: bool | None = None,
) -> tuple[int, ...]:
    """Spatial output size of `F.interpolate` and `nn.Upsample`.

    Give exactly one of ``size`` and ``scale_factor``. With a scale factor each
    dimension becomes ``floor(in * scale_factor)`` (computed in double precision),
    with or without ``recompute_scale_factor``, which changes the scale the
    kernel uses, not the size. Every output size must be at least 1, except in
    ``"area"`` mode, which pools adaptively and accepts 0.

    Args:
        input_size: The spatial sizes (1, 2 or 3 of them); batch and channels excluded.
        size: The output size: an int or one int per dimension.
        scale_factor: A number or one number per dimension.
        mode: One of `INTERPOLATE_MODES`; ``"linear"`` needs 1 spatial dimension,
            ``"bilinear"`` and ``"bicubic"`` 2, ``"trilinear"`` 3.
        recompute_scale_factor: Only meaningful with ``scale_factor``.

    Examples:
        >>> interpolate_output_shape((5, 7), scale_factor=1.5)
        (7, 10)
        >>> interpolate_output_shape((5, 7), size=(10, 14), mode="bilinear")
        (10, 14)
        >>> interpolate_output_shape((3,), scale_factor=0.3)
        Traceback (most recent call last):
        ...
        ValueError: input and output sizes must be greater than 0, got input (3,) and output (0,)
    """
    dims = _spatial_dims(input_size)
    if mode not in INTERPOLATE_MODES:
        raise ValueError(f"mode must be one of {tuple(INTERPOLATE_MODES)}, got {mode!r}")
    needed = INTERPOLATE_MODES[mode]
    if needed is not None and needed != dims:
        raise ValueError(
            f"mode={mode!r} needs {needed} spatial dimension{'s' * (needed > 1)} "
            f"({needed + 2}-d input), got {dims}"
        )
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size")
        if isinstance(size, Sequence):
            if len(size) != dims:
                raise ValueError(f"size must have {dims} entries for {dims}-d, got {tuple(size)}")
            out = tuple(_int_arg("size", v) for v in size)
        else:
            out = (_int_arg("size", size),) * dims
    elif scale_factor is not None:
        if isinstance(scale_factor, Sequence):
            if len(scale_factor) != dims:
                raise ValueError(
                    f"scale_factor must have {dims} entries for {dims}-d, got {tuple(scale_factor)}"
                )
            scales = tuple(_float_arg("scale_factor", v) for v in scale_factor)
        else:
            scales = (_float_arg("scale_factor", scale_factor),) * dims
        out = tuple(int(float(i) * s) for i, s in zip(input_size, scales, strict=True))
    else:
        raise ValueError("either size or scale_factor should be defined")
    if any(o < 0 for o in out) or (mode != "area" and any(o < 1 for o in out)):
        least = "non-negative" if mode == "area" else "greater than 0"
        raise ValueError(
            f"input and output sizes must be {least}, "
            f"got input {tuple(input_size)} and output {out}"
        )
    return out


def _int_arg(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    return value


def _float_arg(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)


def rnn_output_shapes(
    mode: RNNMode,
    input_shape: Sequence[int],
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    *,
    batch_first: bool = False,
    bidirectional: bool = False,
    proj_size: int = 0,
) -> dict[str, tuple[int, ...]]:
    """Shapes of what `nn.RNN` / `nn.LSTM` / `nn.GRU` return for an input of ``input_shape``.

    With ``D = 2 if bidirectional else 1`` and ``H_out = proj_size or hidden_size``:

    - ``output``: ``(L, N, D*H_out)``, or ``(N, L, D*H_out)`` with ``batch_first``;
    - ``h_n``: ``(D*num_layers, N, H_out)`` (``batch_first`` does not apply to it);
    - ``c_n`` (LSTM only): ``(D*num_layers, N, hidden_size)``: no projection.

    An unbatched input ``(L, input_size)`` drops the ``N`` dimension everywhere.

    Args:
        mode: ``"RNN"``, ``"LSTM"`` or ``"GRU"``.
        input_shape: The input tensor's shape: ``(L, N, input_size)``,
            ``(N, L, input_size)`` with ``batch_first``, or ``(L, input_size)``.
        input_size: The module's ``input_size`` (must equal the input's last dimension).
        hidden_size: The module's ``hidden_size``.
        num_layers: Stacked layers.
        batch_first: Whether the batch comes first in ``input`` and ``output``.
        bidirectional: Two directions, concatenated in ``output``.
        proj_size: LSTM only: the size ``h`` is projected to.

    Returns:
        ``{"output": ..., "h_n": ...}``, plus ``"c_n"`` for LSTM.

    Examples:
        >>> rnn_output_shapes("LSTM", (32, 7, 10), 10, 20, 2, batch_first=True, proj_size=5)
        {'output': (32, 7, 5), 'h_n': (2, 32, 5), 'c_n': (2, 32, 20)}
        >>> rnn_output_shapes("GRU", (7, 10), 10, 20, bidirectional=True)
        {'output': (7, 40), 'h_n': (2, 20)}
    """
    rnn_params(
        mode, input_size, hidden_size, num_layers, bidirectional=bidirectional, proj_size=proj_size
    )
    if isinstance(input_shape, int) or not isinstance(input_shape, Sequence):
        raise TypeError(f"input_shape must be a tuple, got {input_shape!r}")
    shape = tuple(check_positive_int("input_shape", s, allow_zero=True) for s in input_shape)
    if len(shape) not in (2, 3):
        raise ValueError(f"{mode}: Expected input to be 2D or 3D, got {len(shape)}D instead")
    if shape[-1] != input_size:
        raise ValueError(
            f"input.size(-1) must be equal to input_size. Expected {input_size}, got {shape[-1]}"
        )
    batched = len(shape) == 3
    seq_len = shape[1] if batched and batch_first else shape[0]
    if seq_len < 1:
        raise ValueError("Expected sequence length to be larger than 0 in RNN")
    directions = 2 if bidirectional else 1
    h_out = proj_size or hidden_size
    layers = directions * num_layers
    batch = (shape[0 if batch_first else 1],) if batched else ()
    if batched and batch_first:
        output = (*batch, seq_len, directions * h_out)
    else:
        output = (seq_len, *batch, directions * h_out)
    shapes = {"output": output, "h_n": (layers, *batch, h_out)}
    if mode == "LSTM":
        shapes["c_n"] = (layers, *batch, hidden_size)
    return shapes


# --- a stack of layers -----------------------------------------------------------


class StackRow(TypedDict):
    """One layer of a `stack_summary`."""

    #: The layer as written, with ``?`` replaced by the size it stands for.
    layer: str
    #: The shape of the layer's output, batch included.
    output_shape: tuple[int, ...]
    #: The layer's parameter count.
    params: int


class StackSummary(TypedDict):
    """What `stack_summary` returns."""

    layers: list[StackRow]
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    total_params: int


class StackError(ValueError):
    """A layer of a stack that cannot be built or cannot accept its input.

    Attributes:
        index: The position of the layer (0 for the first), ``None`` when the text as a
            whole cannot be read.
        layer: The layer's text, ``""`` when ``index`` is ``None``.
        rows: The summary rows of the layers before it.
    """

    def __init__(
        self,
        message: str,
        index: int | None = None,
        layer: str = "",
        rows: list[StackRow] | None = None,
    ) -> None:
        where = f"layer {index + 1}, {layer}: " if index is not None else ""
        super().__init__(where + message)
        self.index = index
        self.layer = layer
        self.rows = rows or []


class _Infer:
    """The ``?`` of a stack: the input size, filled in from the layer's input."""

    def __repr__(self) -> str:
        return "?"


INFER = _Infer()
#: A ``?`` outside a string literal (group 1 holds a string literal, kept as is).
_QUESTION = re.compile(r"('[^'\n]*'|\"[^\"\n]*\")|\?")

_CONV_ARGS = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation")
_CONV_T_ARGS = ("in_channels", "out_channels", "kernel_size", "stride", "padding")
_AVG_ARGS = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad")
_SHAPE_KEEPING = {
    "Identity": None,
    "Sigmoid": None,
    "Tanh": None,
    "ReLU": ("inplace",),
    "ReLU6": ("inplace",),
    "SiLU": ("inplace",),
    "Mish": ("inplace",),
    "Hardswish": ("inplace",),
    "LeakyReLU": ("negative_slope", "inplace"),
    "ELU": ("alpha", "inplace"),
    "GELU": ("approximate",),
    "Softmax": ("dim",),
    "LogSoftmax": ("dim",),
    "Dropout": ("p", "inplace"),
}
_NORM_ARGS = ("num_features", "eps", "momentum", "affine", "track_running_stats")

#: The layers `stack_summary` knows: their positional arguments in torch's order, and the
#: arguments they take by keyword only (``None``: any arguments, all ignored, as
#: `nn.Identity` does).
STACK_LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None] = {
    "Linear": (("in_features", "out_features", "bias"), ()),
    **{f"Conv{d}d": ((*_CONV_ARGS, "groups", "bias", "padding_mode"), ()) for d in (1, 2, 3)},
    **{
        f"ConvTranspose{d}d": (
            (*_CONV_T_ARGS, "output_padding", "groups", "bias", "dilation", "padding_mode"),
            (),
        )
        for d in (1, 2, 3)
    },
    **{
        f"MaxPool{d}d": (
            ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"),
            (),
        )
        for d in (1, 2, 3)
    },
    "AvgPool1d": (_AVG_ARGS, ()),
    "AvgPool2d": ((*_AVG_ARGS, "divisor_override"), ()),
    "AvgPool3d": ((*_AVG_ARGS, "divisor_override"), ()),
    **{f"LPPool{d}d": (("norm_type", "kernel_size", "stride", "ceil_mode"), ()) for d in (1, 2, 3)},
    **{f"AdaptiveAvgPool{d}d": (("output_size",), ()) for d in (1, 2, 3)},
    **{f"AdaptiveMaxPool{d}d": (("output_size", "return_indices"), ()) for d in (1, 2, 3)},
    **{f"BatchNorm{d}d": (_NORM_ARGS, ("bias",)) for d in (1, 2, 3)},
    "LayerNorm": (("normalized_shape", "eps", "elementwise_affine", "bias"), ()),
    "GroupNorm": (("num_groups", "num_channels", "eps", "affine"), ("bias",)),
    "RMSNorm": (("normalized_shape", "eps", "elementwise_affine"), ()),
    "Embedding": (
        ("num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type"),
        ("scale_grad_by_freq", "sparse"),
    ),
    "Flatten": (("start_dim", "end_dim"), ()),
    "Upsample": (("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"), ()),
    **{name: (args, ()) if args else None for name, args in _SHAPE_KEEPING.items()},
}

#: Where ``?`` may stand: the argument that is the input's size, per layer.
_INFER_ARG = {
    "Linear": "in_features",
    "LayerNorm": "normalized_shape",
    "RMSNorm": "normalized_shape",
    "GroupNorm": "num_channels",
    **{f"{kind}{d}d": "in_channels" for kind in ("Conv", "ConvTranspose") for d in (1, 2, 3)},
    **{f"BatchNorm{d}d": "num_features" for d in (1, 2, 3)},
}

_DEFAULTS: dict[str, object] = {
    "bias": True,
    "stride": None,
    "padding": 0,
    "dilation": 1,
    "groups": 1,
    "output_padding": 0,
    "padding_mode": "zeros",
    "return_indices": False,
    "ceil_mode": False,
    "count_include_pad": True,
    "divisor_override": None,
    "affine": True,
    "track_running_stats": True,
    "elementwise_affine": True,
    "eps": 1e-5,
    "momentum": 0.1,
    "padding_idx": None,
    "max_norm": None,
    "norm_type": 2.0,
    "start_dim": 1,
    "end_dim": -1,
    "size": None,
    "scale_factor": None,
    "mode": "nearest",
    "align_corners": None,
    "recompute_scale_factor": None,
    "p": 0.5,
    "dim": None,
    "approximate": "none",
}


@dataclass(frozen=True)
class StackLayer:
    """One layer of a stack as written: its name and its arguments by name."""

    name: str
    args: dict[str, object]
    text: str

    def get(self, name: str) -> Any:
        """The argument ``name``, or its default."""
        return self.args.get(name, _DEFAULTS.get(name))


def parse_stack(text: str) -> list[StackLayer]:
    """Read a stack written as Python: layer calls separated by commas.

    ``nn.`` prefixes and an enclosing ``nn.Sequential(...)`` are optional. Arguments
    are literals (numbers, strings, ``True``/``False``/``None``, tuples), or ``?`` for
    the input size (``in_features``, ``in_channels``, ``num_features``,
    ``normalized_shape``, ``num_channels``), which `stack_summary` fills in.

    Args:
        text: E.g. ``"Conv2d(3, 16, 3, padding=1), ReLU(), Flatten(), Linear(?, 10)"``.

    Raises:
        StackError: The text cannot be read, names an unknown layer, or passes an
            argument the layer does not take (a ``TypeError`` in torch).

    Examples:
        >>> [(layer.name, layer.args) for layer in parse_stack("nn.Linear(?, 10, bias=False)")]
        [('Linear', {'in_features': ?, 'out_features': 10, 'bias': False})]
    """
    layers = []
    for index, (text_of, layer) in enumerate(_read_stack(text)):
        if isinstance(layer, Exception):
            raise StackError(str(layer), index, text_of) from None
        layers.append(layer)
    return layers


def _read_stack(text: str) -> list[tuple[str, StackLayer | TypeError | ValueError]]:
    """Each layer's text and the layer, or what is wrong with it (checked in order later)."""
    if not isinstance(text, str):
        raise TypeError(f"layers must be a str, got {type(text).__name__}")
    source = "[" + _QUESTION.sub(lambda m: m[1] or "__infer__", text) + "\n]"
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise StackError(f"cannot read the layers: {error.msg}") from None
    assert isinstance(tree.body, ast.List)
    nodes = tree.body.elts
    if len(nodes) == 1 and isinstance(nodes[0], ast.Call) and _call_name(nodes[0]) == "Sequential":
        if nodes[0].keywords:
            raise StackError("Sequential takes the layers as positional arguments")
        nodes = nodes[0].args
    if not nodes:
        raise StackError("no layers: write e.g. Linear(4, 2), ReLU()")
    items: list[tuple[str, StackLayer | TypeError | ValueError]] = []
    for node in nodes:
        text_of = (ast.get_source_segment(source, node) or "").replace("__infer__", "?")
        try:
            items.append((text_of, _parse_layer(node, text_of)))
        except (TypeError, ValueError) as error:
            items.append((text_of, error))
    return items


def _required(name: str) -> int:
    """How many leading arguments of layer ``name`` have no default."""
    if name.startswith("Conv"):
        return 3
    if name in ("Linear", "Embedding", "GroupNorm") or name.startswith("LPPool"):
        return 2
    return 0 if name in _SHAPE_KEEPING or name in ("Flatten", "Upsample") else 1


def _call_name(node: ast.expr) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and ast.unparse(func.value) in ("nn", "torch.nn"):
        return func.attr
    return None


def _literal(node: ast.expr) -> object:
    if isinstance(node, ast.Name) and node.id == "__infer__":
        return INFER
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise ValueError(
            f"arguments must be literals (numbers, strings, tuples, True/False/None) or ?, "
            f"got {ast.unparse(node).replace('__infer__', '?')}"
        ) from None
    return tuple(value) if isinstance(value, list) else value


def _parse_layer(node: ast.expr, text: str) -> StackLayer:
    name = _call_name(node)
    if name is None or not isinstance(node, ast.Call):
        raise ValueError("expected a layer such as Linear(4, 2)")
    if name not in STACK_LAYERS:
        close = difflib.get_close_matches(name, STACK_LAYERS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"name '{name}' is not a layer the calculator knows{hint}")
    signature = STACK_LAYERS[name]
    args: dict[str, object] = {}
    if signature is None:  # Identity, Sigmoid, Tanh: anything goes, nothing counts
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            _literal(arg)
        return StackLayer(name, args, text)
    positional, keyword_only = signature
    if len(node.args) > len(positional):
        raise TypeError(
            f"{name}() takes at most {len(positional)} positional arguments "
            f"({', '.join(positional) or 'none'}), got {len(node.args)}"
        )
    for arg_name, arg in zip(positional, node.args, strict=False):
        args[arg_name] = _literal(arg)
    for keyword in node.keywords:
        if keyword.arg is None or keyword.arg not in (*positional, *keyword_only):
            raise TypeError(f"{name}() got an unexpected keyword argument '{keyword.arg}'")
        if keyword.arg in args:
            raise TypeError(f"{name}() got multiple values for argument '{keyword.arg}'")
        args[keyword.arg] = _literal(keyword.value)
    for arg_name, value in args.items():
        if value is INFER and _INFER_ARG.get(name) != arg_name:
            where = _INFER_ARG.get(name)
            raise ValueError(
                f"? stands for the input size, which is {name}'s {where}, not {arg_name}"
                if where
                else f"? stands for the input size, which {name} does not take"
            )
        if isinstance(value, tuple) and INFER in value:
            raise ValueError("? stands for a whole argument, not part of a tuple")
    missing = [a for a in positional[: _required(name)] if a not in args]
    if missing:
        raise TypeError(
            f"{name}() missing required argument{'s' * (len(missing) > 1)}: "
            + ", ".join(f"'{a}'" for a in missing)
        )
    return StackLayer(name, args, text)


def stack_summary(layers: str, input_shape: Sequence[int]) -> StackSummary:
    """Each layer's output shape and parameter count for a stack of layers, like torchinfo.

    The layers are applied in order to an input of ``input_shape``, as
    ``nn.Sequential`` would apply them to a freshly built (training-mode) model; a
    ``?`` takes the size of the layer's input (``Linear(?, 10)`` after ``Flatten()``
    gets the flattened size). The first layer that torch would refuse, to build
    or to run on its input, raises `StackError` with the reason.

    A stack that starts with ``Embedding`` gets integer indices of ``input_shape``;
    any other stack gets a float tensor. Layers that return a tuple
    (``return_indices=True``) and convolutions with a ``padding_mode`` other than
    ``"zeros"`` are not modelled.

    Args:
        layers: The layers as written in Python (see `parse_stack`), e.g.
            ``"Conv2d(3, 16, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(?, 10)"``.
        input_shape: The input's shape, batch included, e.g. ``(1, 3, 28, 28)``.

    Returns:
        The rows (layer, output shape, parameters), the input and output shapes and the
        total parameter count.

    Raises:
        StackError: A layer that torch would reject (its ``index`` says which).

    Examples:
        >>> summary = stack_summary(
        ...     "Conv2d(3, 16, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(?, 10)",
        ...     (1, 3, 28, 28),
        ... )
        >>> for row in summary["layers"]:
        ...     print(f"{row['layer']:<28} {row['output_shape']!s:<18} {row['params']}")
        Conv2d(3, 16, 3, padding=1)  (1, 16, 28, 28)    448
        ReLU()                       (1, 16, 28, 28)    0
        MaxPool2d(2)                 (1, 16, 14, 14)    0
        Flatten()                    (1, 3136)          0
        Linear(3136, 10)             (1, 10)            31370
        >>> summary["total_params"]
        31818
        >>> try:
        ...     stack_summary("Linear(4, 8), Linear(4, 2)", (1, 4))
        ... except StackError as error:
        ...     print(error.index, error.layer, error.rows[0]["output_shape"])
        1 Linear(4, 2) (1, 8)
    """
    items = _read_stack(layers)
    if isinstance(input_shape, int) or not isinstance(input_shape, Sequence):
        raise TypeError(f"input_shape must be a tuple, got {input_shape!r}")
    if not input_shape:
        raise ValueError("input_shape must have at least one dimension")
    shape = tuple(check_positive_int("input_shape", s) for s in input_shape)
    first = tuple(shape)
    rows: list[StackRow] = []
    integer_input = isinstance(items[0][1], StackLayer) and items[0][1].name == "Embedding"
    for index, (written, layer) in enumerate(items):
        try:
            if isinstance(layer, Exception):
                raise layer
            shape, params, text = _apply(layer, shape, integer_input=integer_input)
        except (TypeError, ValueError) as error:
            raise StackError(str(error), index, written, list(rows)) from None
        integer_input = False
        rows.append({"layer": text, "output_shape": shape, "params": params})
    return {
        "layers": rows,
        "input_shape": first,
        "output_shape": shape,
        "total_params": sum(row["params"] for row in rows),
    }


def _fill(layer: StackLayer, value: int) -> tuple[StackLayer, str]:
    """Replace ``?`` in ``layer`` by ``value``: the new layer and its text."""
    args = {k: value if v is INFER else v for k, v in layer.args.items()}
    text = _QUESTION.sub(lambda m: m[1] or str(value), layer.text)
    return StackLayer(layer.name, args, text), text


def _dims_of(name: str) -> int:
    return int(name[-2]) if name.endswith("d") and name[-2].isdigit() else 0


def _need_ndim(name: str, shape: tuple[int, ...], allowed: tuple[int, ...]) -> None:
    if len(shape) not in allowed:
        wanted = " or ".join(f"{n}-d" for n in allowed)
        raise ValueError(f"{name} expects a {wanted} input, got {len(shape)}-d {shape}")


def _check_dim(name: str, dim: object, ndim: int) -> int:
    dim = _int_arg(name, dim)
    if not -ndim <= dim < ndim:
        raise ValueError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
            f"but got {dim})"
        )
    return dim % ndim


def _apply(
    layer: StackLayer, shape: tuple[int, ...], *, integer_input: bool
) -> tuple[tuple[int, ...], int, str]:
    """Apply one layer to an input of ``shape``: output shape, parameter count, text."""
    name, ndim = layer.name, len(shape)
    infer = _INFER_ARG.get(name)
    if infer is not None and layer.args.get(infer) is INFER:
        dims = _dims_of(name)
        if name.startswith("Conv"):
            _need_ndim(name, shape, (dims + 1, dims + 2))
            value = shape[-(dims + 1)]
        elif name.startswith("BatchNorm") or name == "GroupNorm":
            value = shape[1] if ndim >= 2 else shape[0]
        else:
            value = shape[-1]
        layer, _ = _fill(layer, value)
    text = layer.text
    get = layer.get
    dims = _dims_of(name)
    if name == "Embedding":
        count = embedding_params(get("num_embeddings"), get("embedding_dim"))
        padding_idx = get("padding_idx")
        if padding_idx is not None and not (
            -get("num_embeddings") <= _int_arg("padding_idx", padding_idx) < get("num_embeddings")
        ):
            raise ValueError("Padding_idx must be within num_embeddings")
        if not integer_input:
            raise ValueError(
                "Embedding needs integer indices, but its input is a float tensor "
                "(only a stack's first layer gets the integer input)"
            )
        return (*shape, get("embedding_dim")), count, text
    if name == "Linear":
        count = linear_params(get("in_features"), get("out_features"), get("bias"))
        if shape[-1] != get("in_features"):
            rows = math.prod(shape[:-1])
            raise ValueError(
                f"mat1 and mat2 shapes cannot be multiplied ({rows}x{shape[-1]} and "
                f"{get('in_features')}x{get('out_features')}): in_features={get('in_features')} "
                f"must equal the input's last dimension, {shape[-1]}"
            )
        return (*shape[:-1], get("out_features")), count, text
    if name.startswith(("Conv1d", "Conv2d", "Conv3d", "ConvTranspose")):
        transposed = name.startswith("ConvTranspose")
        c_in, c_out = get("in_channels"), get("out_channels")
        params_of = conv_transpose_params if transposed else conv_params
        count = params_of(
            c_in, c_out, get("kernel_size"), dims=dims, groups=get("groups"), bias=get("bias")
        )
        padding = get("padding")
        if transposed and isinstance(padding, str):
            raise ValueError(f"padding={padding!r} is not supported by {name}: give an int")
        if isinstance(padding, str) and padding not in ("same", "valid"):
            raise ValueError(
                f"Invalid padding string {padding!r}, should be one of 'valid', 'same'"
            )
        if get("padding_mode") != "zeros":
            raise ValueError(
                f"padding_mode={get('padding_mode')!r} is not modelled by the calculator"
                " (only 'zeros')"
            )
        stride = 1 if get("stride") is None else get("stride")
        if padding == "same" and _expand("stride", stride, dims) != (1,) * dims:
            raise ValueError("padding='same' is not supported for strided convolutions")
        _need_ndim(name, shape, (dims + 1, dims + 2))
        channels = shape[-(dims + 1)]
        if channels != c_in:
            raise ValueError(
                f"expected input{list(shape)} to have {c_in} channels, but got {channels} "
                "channels instead"
            )
        spatial = shape[-dims:]
        if transposed:
            out = conv_transpose_output_shape(
                spatial, get("kernel_size"), stride, padding, get("output_padding"), get("dilation")
            )
        else:
            out = conv_output_shape(spatial, get("kernel_size"), stride, padding, get("dilation"))
        return (*shape[: -(dims + 1)], c_out, *out), count, text
    if name.startswith(("MaxPool", "AvgPool", "LPPool")):
        if get("return_indices"):
            raise ValueError("return_indices=True returns a tuple: not modelled in a stack")
        _need_ndim(name, shape, (dims + 1, dims + 2))
        spatial = shape[-dims:]
        kernel = _expand("kernel_size", get("kernel_size"), dims)
        if name.startswith("LPPool"):
            _float_arg("norm_type", get("norm_type"))
            padding = 0
        else:
            padding = get("padding")
        if get("divisor_override") is not None and get("divisor_override") == 0:
            raise ValueError("divisor must be not zero")
        if name in ("AvgPool3d", "LPPool3d") and any(
            i < k for i, k in zip(spatial, kernel, strict=True)
        ):
            raise ValueError(
                f"input image {spatial} smaller than kernel size {kernel} "
                f"({name[:-2]} 3d checks this, padding or not)"
            )
        dilation = get("dilation") if name.startswith("MaxPool") else 1
        out = pool_output_shape(spatial, kernel, get("stride"), padding, dilation, get("ceil_mode"))
        return (*shape[:-dims], *out), 0, text
    if name.startswith("Adaptive"):
        if get("return_indices"):
            raise ValueError("return_indices=True returns a tuple: not modelled in a stack")
        _need_ndim(name, shape, (dims + 1, dims + 2))
        bins = adaptive_pool_bins(shape[-dims:], get("output_size"))
        return (*shape[:-dims], *(len(b) for b in bins)), 0, text
    if name.startswith("BatchNorm"):
        features = get("num_features")
        count = batch_norm_params(features, get("affine"), bias=get("bias"))
        _need_ndim(name, shape, (2, 3) if dims == 1 else (dims + 2,))
        if math.prod((shape[0], *shape[2:])) == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {shape}"
            )
        if _float_arg("eps", get("eps")) <= 0:
            raise ValueError(f"batch_norm eps must be positive during training, got {get('eps')}")
        if (get("affine") or get("track_running_stats")) and shape[1] != features:
            raise ValueError(
                f"num_features={features} must equal the input's channels, {shape[1]} "
                f"(dimension 1 of {shape})"
            )
        return shape, count, text
    if name in ("LayerNorm", "RMSNorm"):
        normalized = get("normalized_shape")
        if name == "LayerNorm":
            count = layer_norm_params(normalized, get("elementwise_affine"), get("bias"))
        else:
            count = rms_norm_params(normalized, get("elementwise_affine"))
        wanted = (normalized,) if isinstance(normalized, int) else tuple(normalized)
        if len(shape) < len(wanted) or shape[-len(wanted) :] != wanted:
            raise ValueError(
                f"Given normalized_shape={list(wanted)}, expected input with shape "
                f"[*, {', '.join(map(str, wanted))}], but got input of size {list(shape)}"
            )
        return shape, count, text
    if name == "GroupNorm":
        groups, channels = get("num_groups"), get("num_channels")
        count = group_norm_params(groups, channels, get("affine"), bias=get("bias"))
        if ndim < 2:
            raise ValueError(f"Expected at least 2 dimensions for input tensor but received {ndim}")
        if shape[0] * shape[1] // groups * math.prod(shape[2:]) == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {shape}"
            )
        if shape[1] % groups:
            raise ValueError(
                f"Expected number of channels in input to be divisible by num_groups, "
                f"but got input of shape {list(shape)} and num_groups={groups}"
            )
        if get("affine") and shape[1] != channels:
            raise ValueError(f"num_channels={channels} must equal the input's channels, {shape[1]}")
        return shape, count, text
    if name == "Flatten":
        start = _check_dim("start_dim", get("start_dim"), ndim)
        end = _check_dim("end_dim", get("end_dim"), ndim)
        if start > end:
            raise ValueError("flatten() has invalid args: start_dim cannot come after end_dim")
        return (*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :]), 0, text
    if name == "Upsample":
        if get("mode") in ("nearest", "area", "nearest-exact") and get("align_corners") is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
        scale = get("scale_factor")
        if not isinstance(scale, tuple):
            scale = _float_arg("scale_factor", scale) if scale else None
        if ndim < 3 or ndim > 5:
            raise ValueError(f"Upsample expects a 3-d, 4-d or 5-d input, got {ndim}-d {shape}")
        out = interpolate_output_shape(
            shape[2:], get("size"), scale, get("mode"), get("recompute_scale_factor")
        )
        return (*shape[:2], *out), 0, text
    # Shape-keeping layers: activations, dropout, softmax, identity.
    if name == "Dropout":
        p = _float_arg("p", get("p"))
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if name in ("Softmax", "LogSoftmax") and get("dim") is not None:
        _check_dim("dim", get("dim"), ndim)
    if name == "GELU" and get("approximate") not in ("none", "tanh"):
        raise ValueError("approximate argument must be either none or tanh")
    return shape, 0, text
