"""Every formula in layerref.formulas against torch, over hundreds of random configurations."""

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

from layerref import formulas as fm

# Derandomised so that CI and every machine check the same 200 configurations.
many = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
small = st.integers(1, 6)
dims = st.sampled_from([1, 2, 3])


def numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONVT = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
MAXPOOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
AVGPOOL = {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d}


@many
@given(st.integers(1, 40), st.integers(1, 40), st.booleans())
def test_linear(i, o, bias):
    assert fm.linear_params(i, o, bias) == numel(nn.Linear(i, o, bias=bias))


@many
@given(small, small, small, st.booleans())
def test_bilinear(a, b, o, bias):
    assert fm.bilinear_params(a, b, o, bias) == numel(nn.Bilinear(a, b, o, bias=bias))


@many
@given(st.integers(1, 500), st.integers(1, 20))
def test_embedding(n, d):
    assert fm.embedding_params(n, d) == numel(nn.Embedding(n, d)) == numel(nn.EmbeddingBag(n, d))


@st.composite
def conv_config(draw):
    d = draw(dims)
    groups = draw(st.integers(1, 4))
    cin = groups * draw(small)
    cout = groups * draw(small)
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(d))
    kernel = kernel[0] if draw(st.booleans()) and len(set(kernel)) == 1 else kernel
    return d, cin, cout, kernel, groups, draw(st.booleans())


@pytest.mark.parametrize(
    ("modules", "formula"), [(CONV, fm.conv_params), (CONVT, fm.conv_transpose_params)]
)
@many
@given(cfg=conv_config())
def test_conv_and_conv_transpose_params(modules, formula, cfg):
    d, cin, cout, k, groups, bias = cfg
    expected = numel(modules[d](cin, cout, k, groups=groups, bias=bias))
    assert formula(cin, cout, k, dims=d, groups=groups, bias=bias) == expected


@many
@given(st.integers(1, 64), st.booleans(), st.booleans())
def test_norm_params(c, affine, bias):
    assert fm.batch_norm_params(c, affine, bias=bias) == numel(
        nn.BatchNorm2d(c, affine=affine, bias=bias)
    )
    assert fm.instance_norm_params(c, affine, bias=bias) == numel(
        nn.InstanceNorm2d(c, affine=affine, bias=bias)
    )
    assert fm.instance_norm_params(c) == numel(nn.InstanceNorm1d(c))


@many
@given(st.lists(small, min_size=1, max_size=3), st.booleans(), st.booleans())
def test_layer_norm_params(shape, affine, bias):
    expected = numel(nn.LayerNorm(shape, elementwise_affine=affine, bias=bias))
    assert fm.layer_norm_params(shape, affine, bias) == expected
    assert fm.rms_norm_params(shape, affine) == numel(nn.RMSNorm(shape, elementwise_affine=affine))


@many
@given(st.integers(1, 8), small, st.booleans(), st.booleans())
def test_group_norm_params(groups, per_group, affine, bias):
    c = groups * per_group
    expected = numel(nn.GroupNorm(groups, c, affine=affine, bias=bias))
    assert fm.group_norm_params(groups, c, affine, bias=bias) == expected


@st.composite
def rnn_config(draw):
    mode = draw(st.sampled_from(["RNN", "LSTM", "GRU"]))
    hidden = draw(st.integers(1, 12))
    proj = draw(st.integers(0, hidden - 1)) if mode == "LSTM" and draw(st.booleans()) else 0
    return {
        "mode": mode,
        "input_size": draw(st.integers(1, 12)),
        "hidden_size": hidden,
        "num_layers": draw(st.integers(1, 3)),
        "bias": draw(st.booleans()),
        "bidirectional": draw(st.booleans()),
        "proj_size": proj,
    }


@many
@given(rnn_config())
def test_rnn_params(cfg):
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[cfg["mode"]]
    kwargs = {k: v for k, v in cfg.items() if k != "mode" and (k != "proj_size" or v)}
    assert fm.rnn_params(**cfg) == numel(cls(**kwargs))


@many
@given(
    st.integers(1, 4),
    st.integers(1, 6),
    st.one_of(st.none(), small),
    st.one_of(st.none(), small),
    st.booleans(),
    st.booleans(),
)
def test_multihead_attention_params(heads, per_head, kdim, vdim, bias, add_bias_kv):
    e = heads * per_head
    module = nn.MultiheadAttention(
        e, heads, kdim=kdim, vdim=vdim, bias=bias, add_bias_kv=add_bias_kv
    )
    expected = numel(module)
    assert (
        fm.multihead_attention_params(
            e, heads, kdim=kdim, vdim=vdim, bias=bias, add_bias_kv=add_bias_kv
        )
        == expected
    )


@st.composite
def spatial(draw, d, low=1, high=12):
    return tuple(draw(st.integers(low, high)) for _ in range(d))


@st.composite
def conv_shape_config(draw):
    d = draw(dims)
    size = draw(spatial(d, 1, 10))
    k = draw(spatial(d, 1, 4))
    s = draw(spatial(d, 1, 3))
    p = draw(spatial(d, 0, 2))
    dil = draw(spatial(d, 1, 2))
    return d, size, k, s, p, dil


@many
@given(conv_shape_config())
def test_conv_output_shape(cfg):
    d, size, k, s, p, dil = cfg
    try:
        expected = fm.conv_output_shape(size, k, s, p, dil)
    except ValueError:
        with pytest.raises(RuntimeError):
            CONV[d](1, 1, k, s, p, dil)(torch.zeros(1, 1, *size))
        return
    assert CONV[d](1, 1, k, s, p, dil)(torch.zeros(1, 1, *size)).shape[2:] == expected


@many
@given(dims, st.data())
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
def test_conv_output_shape_same_and_valid(d, data):
    size = data.draw(spatial(d, 4, 10))
    k = data.draw(spatial(d, 1, 4))
    dil = data.draw(spatial(d, 1, 2))
    for padding in ("same", "valid"):
        conv = CONV[d](1, 1, k, padding=padding, dilation=dil)
        try:
            expected = fm.conv_output_shape(size, k, padding=padding, dilation=dil)
        except ValueError:
            continue
        assert conv(torch.zeros(1, 1, *size)).shape[2:] == expected


@many
@given(conv_shape_config(), st.data())
def test_conv_transpose_output_shape(cfg, data):
    d, size, k, s, p, dil = cfg
    op = tuple(data.draw(st.integers(0, max(a, b) - 1)) for a, b in zip(s, dil, strict=True))
    module = CONVT[d](1, 1, k, s, p, op, dilation=dil)
    try:
        expected = fm.conv_transpose_output_shape(size, k, s, p, op, dil)
    except ValueError:
        with pytest.raises(RuntimeError):
            module(torch.zeros(1, 1, *size))
        return
    assert module(torch.zeros(1, 1, *size)).shape[2:] == expected


@many
@given(dims, st.data(), st.booleans(), st.booleans())
def test_pool_output_shape(d, data, ceil, max_pool):
    k = data.draw(spatial(d, 1, 4))
    s = data.draw(spatial(d, 1, 3))
    p = tuple(data.draw(st.integers(0, kk // 2)) for kk in k)
    dil = data.draw(spatial(d, 1, 2)) if max_pool else (1,) * d
    size = data.draw(spatial(d, 1, 10))
    if max_pool:
        module = MAXPOOL[d](k, s, p, dil, ceil_mode=ceil)
    else:
        # AvgPool3d alone also rejects an input smaller than the kernel, padding or not.
        assume(d < 3 or all(i >= kk for i, kk in zip(size, k, strict=True)))
        module = AVGPOOL[d](k, s, p, ceil_mode=ceil)
    try:
        expected = fm.pool_output_shape(size, k, s, p, dil, ceil)
    except ValueError:
        with pytest.raises(RuntimeError):
            module(torch.zeros(1, 1, *size))
        return
    assert module(torch.zeros(1, 1, *size)).shape[2:] == expected


def test_pool_stride_defaults_to_kernel():
    assert fm.pool_output_shape((9,), 3) == nn.MaxPool1d(3)(torch.zeros(1, 1, 9)).shape[2:]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fm.conv_params(3, 16, 3, groups=2), "in_channels=3 must be divisible by groups=2"),
        (lambda: fm.conv_params(4, 6, (3, 3), dims=3), "kernel_size must have 3 entries"),
        (lambda: fm.conv_params(4, 6, 3, dims=4), "dims must be 1, 2 or 3"),
        (lambda: fm.conv_params(0, 6, 3), "in_channels must be a positive int"),
        (lambda: fm.rnn_params("LSTMs", 3, 4), "mode must be one of"),
        (lambda: fm.rnn_params("GRU", 3, 4, proj_size=2), "proj_size is only supported by LSTM"),
        (lambda: fm.rnn_params("LSTM", 3, 4, proj_size=4), "proj_size=4 must be smaller"),
        (
            lambda: fm.multihead_attention_params(10, 3),
            "embed_dim=10 must be divisible by num_heads=3",
        ),
        (lambda: fm.group_norm_params(3, 10), "num_channels=10 must be divisible by num_groups=3"),
        (lambda: fm.layer_norm_params(()), "normalized_shape must have at least one dimension"),
        (lambda: fm.conv_output_shape((2, 2), 5), "too small"),
        (
            lambda: fm.conv_output_shape((8,), 3, stride=2, padding="same"),
            "padding='same' requires stride=1",
        ),
        (
            lambda: fm.conv_transpose_output_shape((4,), 3, stride=2, output_padding=2),
            "output_padding=2 must be smaller",
        ),
        (lambda: fm.pool_output_shape((8,), 2, padding=2), "padding=2 must be at most half"),
    ],
)
def test_invalid_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="kernel_size must be an int"):
        fm.conv_params(3, 3, 2.5)
    with pytest.raises(TypeError, match="in_features must be an int"):
        fm.linear_params(True, 3)
    with pytest.raises(TypeError, match="input_size must be a tuple"):
        fm.pool_output_shape(8, 2)
