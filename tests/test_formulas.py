"""Every formula in layerref.formulas against torch, over hundreds of random configurations."""

import inspect
import math
import random

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

from docsite import calculator_cases
from docsite.calculator_stacks import random_stack
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


# --- adaptive pooling, Unfold, interpolate, RNN outputs, stacks --------------------

ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


@many
@given(dims, st.data())
def test_adaptive_pool_bins(d, data):
    size = data.draw(spatial(d, 1, 12))
    out = data.draw(spatial(d, 1, 12))
    bins = fm.adaptive_pool_bins(size, out)
    # Max pooling of a ramp picks each window's last position; of the negated ramp, its first.
    ramp = torch.arange(float(math.prod(size))).reshape(1, 1, *size)
    ends = ADAPTIVE_MAX[d](ramp, out, return_indices=True)[1][0, 0]
    starts = ADAPTIVE_MAX[d](-ramp, out, return_indices=True)[1][0, 0]
    assert tuple(ends.shape) == tuple(len(b) for b in bins)
    for dim in range(d):
        line = tuple(slice(None) if j == dim else 0 for j in range(d))
        first = torch.unravel_index(starts[line], size)[dim].tolist()
        last = torch.unravel_index(ends[line], size)[dim].tolist()
        assert bins[dim] == tuple((a, b + 1) for a, b in zip(first, last, strict=True))
    # and the average pool of ones weighted by position agrees with the windows' means
    mean = F.adaptive_avg_pool1d(torch.arange(float(size[0])).reshape(1, 1, -1), out[0])
    expected = [sum(range(a, b)) / (b - a) for a, b in bins[0]]
    torch.testing.assert_close(mean[0, 0], torch.tensor(expected))


def test_adaptive_pool_bins_none_and_zero():
    assert fm.adaptive_pool_bins((3, 2), (None, 0)) == (((0, 1), (1, 2), (2, 3)), ())
    assert F.adaptive_avg_pool2d(torch.zeros(1, 1, 3, 2), (None, 0)).shape[2:] == (3, 0)


@many
@given(st.data())
def test_unfold_block_count(data):
    size = data.draw(spatial(2, 1, 12))
    k = data.draw(spatial(2, 1, 5))
    dil = data.draw(spatial(2, 1, 3))
    p = data.draw(spatial(2, 0, 3))
    s = data.draw(spatial(2, 1, 3))
    unfold = nn.Unfold(k, dil, p, s)
    try:
        expected = fm.unfold_block_count(size, k, dil, p, s)
    except ValueError:
        with pytest.raises(RuntimeError):
            unfold(torch.zeros(1, 1, *size))
        return
    assert unfold(torch.zeros(1, 2, *size)).shape == (1, 2 * math.prod(k), expected)


MODES = ("nearest", "nearest-exact", "area", "linear", "bilinear", "bicubic", "trilinear")


@many
@given(dims, st.data(), st.sampled_from(MODES), st.sampled_from([None, False, True]))
def test_interpolate_output_shape(d, data, mode, recompute):
    size = data.draw(spatial(d, 1, 10))
    if data.draw(st.booleans()):
        kwargs = {"size": data.draw(st.one_of(st.integers(0, 12), spatial(d, 0, 12)))}
    else:
        scale = st.floats(0.05, 4, allow_nan=False).map(lambda f: round(f, 2))
        kwargs = {"scale_factor": data.draw(st.one_of(scale, st.tuples(*[scale] * d)))}
    kwargs |= {"mode": mode, "recompute_scale_factor": recompute}
    try:
        expected = fm.interpolate_output_shape(size, **kwargs)
    except ValueError:
        with pytest.raises((RuntimeError, ValueError, NotImplementedError)):
            F.interpolate(torch.zeros(1, 1, *size), **kwargs)
        return
    assert F.interpolate(torch.zeros(1, 1, *size), **kwargs).shape[2:] == expected
    upsample = nn.Upsample(**kwargs) if kwargs.get("scale_factor", 1) else None
    if upsample is not None:
        assert upsample(torch.zeros(1, 1, *size)).shape[2:] == expected


@many
@given(rnn_config(), st.data())
def test_rnn_output_shapes(cfg, data):
    cfg = {k: v for k, v in cfg.items() if k != "bias"}
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[cfg["mode"]]
    batch_first = data.draw(st.booleans())
    seq_len, batch = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3))
    feature = data.draw(st.sampled_from([cfg["input_size"]] * 4 + [cfg["input_size"] + 1]))
    shape = data.draw(
        st.sampled_from(
            [
                (seq_len, feature),
                (batch, seq_len, feature) if batch_first else (seq_len, batch, feature),
            ]
        )
    )
    kwargs = {k: v for k, v in cfg.items() if k != "mode" and (k != "proj_size" or v)}
    module = cls(**kwargs, batch_first=batch_first, dtype=torch.float64)
    try:
        expected = fm.rnn_output_shapes(input_shape=shape, batch_first=batch_first, **cfg)
    except ValueError:
        with pytest.raises(RuntimeError):
            module(torch.zeros(shape, dtype=torch.float64))
        return
    output, state = module(torch.zeros(shape, dtype=torch.float64))
    h_n, c_n = state if cfg["mode"] == "LSTM" else (state, None)
    assert output.shape == expected["output"] and h_n.shape == expected["h_n"]
    assert (c_n is None) == ("c_n" not in expected)
    assert c_n is None or c_n.shape == expected["c_n"]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 2**32 - 1))
def test_stack_summary_against_torch(seed):
    """Random stacks, written as readers write them (mistakes included), against torch."""
    text, input_shape, outcome = random_stack(random.Random(seed))
    assume(not outcome.pop("empty"))  # see docsite.calculator_cases: an empty tensor on the way
    try:
        summary = fm.stack_summary(text, input_shape)
    except fm.StackError as error:
        assert outcome.get("index", "accepted") == error.index, (text, outcome, str(error))
        return
    assert "error" not in outcome, (text, outcome, summary)
    rows = [
        {"output_shape": list(r["output_shape"]), "params": r["params"]} for r in summary["layers"]
    ]
    assert rows == outcome["expect"]["layers"]
    assert summary["total_params"] == outcome["expect"]["total_params"]


def test_stack_layer_signatures_match_torch():
    """The arguments the stack calculator accepts are torch's, in torch's order."""
    for name, signature in fm.STACK_LAYERS.items():
        params = inspect.signature(getattr(nn, name).__init__).parameters
        torch_names = [
            p for p in params if p not in ("self", "device", "dtype", "_weight", "_freeze")
        ]
        if signature is None:  # anything goes: Identity, Sigmoid, Tanh
            assert torch_names == ["args", "kwargs"], name
            continue
        positional, keyword_only = signature
        assert torch_names[: len(positional)] == list(positional), name
        assert set(keyword_only) <= set(torch_names), name
        # every argument of torch's is known (the stack models what it changes, or rejects it)
        assert set(torch_names) <= {*positional, *keyword_only}, (name, torch_names)


def test_stack_summary_fills_the_question_mark():
    summary = fm.stack_summary(
        "nn.Sequential(nn.Conv1d(?, 4, 3), nn.BatchNorm1d(?), nn.Flatten(), nn.Linear(?, 2))",
        (2, 3, 10),
    )
    assert [row["layer"] for row in summary["layers"]] == [
        "nn.Conv1d(3, 4, 3)",
        "nn.BatchNorm1d(4)",
        "nn.Flatten()",
        "nn.Linear(32, 2)",
    ]
    model = nn.Sequential(nn.Conv1d(3, 4, 3), nn.BatchNorm1d(4), nn.Flatten(), nn.Linear(32, 2))
    assert summary["total_params"] == numel(model)
    assert summary["output_shape"] == model(torch.zeros(2, 3, 10)).shape


@pytest.mark.parametrize(
    ("layers", "shape", "index", "message"),
    [
        ("Linear(3, 2), Linear(3, 2)", (4, 3), 1, "mat1 and mat2 shapes cannot be multiplied"),
        ("Conv2d(3, 8, 3), Conv2d(4, 8, 3)", (1, 3, 9, 9), 1, "to have 4 channels, but got 8"),
        ("Conv2d(1, 1, 5)", (1, 1, 4, 4), 0, "too small"),
        ("ReLU(), Conv2D(1, 1, 3)", (1, 1, 4, 4), 1, "did you mean Conv2d?"),
        ("Conv2d(1, 1, 3, strides=2)", (1, 1, 4, 4), 0, "unexpected keyword argument 'strides'"),
        ("Linear(4, ?)", (1, 4), 0, "? stands for the input size, which is Linear's in_features"),
        ("Linear(4, 8), BatchNorm1d(8)", (1, 4), 1, "Expected more than 1 value per channel"),
        ("Flatten(), Embedding(10, 3)", (2, 3), 1, "Embedding needs integer indices"),
        ("Conv2d(1, 2, 3", (1, 1, 4, 4), None, "cannot read the layers"),
        ("MaxPool2d(2, return_indices=True)", (1, 1, 4, 4), 0, "not modelled"),
    ],
)
def test_stack_errors_point_at_the_layer(layers, shape, index, message):
    with pytest.raises(fm.StackError) as info:
        fm.stack_summary(layers, shape)
    assert info.value.index == index
    assert message in str(info.value)


# --- the Calculators page's cases ------------------------------------------------


def _as_json(value):
    if isinstance(value, tuple | list):
        return [_as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    return value


def _matches(expected, actual) -> bool:
    """Expected's keys (an object may hold more, e.g. a stack row's text) and values, exactly."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _matches(v, actual[k]) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return type(expected) is type(actual) and expected == actual


def test_every_calculator_case_agrees_with_layerref_formulas():
    """The torch-made cases the page's JavaScript is held to, through the Python formulas."""
    mismatches = []
    for family, found in calculator_cases.cases().items():
        assert len(found) >= 1000, family
        for case in found:
            try:
                result = _as_json(getattr(fm, case["fn"])(**case["args"]))
            except (ValueError, TypeError) as error:
                if "error" not in case or case.get("index", None) != getattr(error, "index", None):
                    mismatches.append((family, case, repr(error)))
                continue
            if "error" in case or not _matches(case["expect"], result):
                mismatches.append((family, case, result))
    assert mismatches == [], f"{len(mismatches)} mismatches, e.g. {mismatches[:3]}"


def test_calculator_cases_include_what_torch_rejects():
    for family, valid, invalid in calculator_cases.counts():
        assert valid >= 300 and invalid >= 20, (family.key, valid, invalid)


def test_meta_device_counts_parameters_as_the_cpu_does():
    """The cases count large layers' parameters on the meta device: the same counts."""
    for build in (
        lambda device: nn.Conv2d(64, 128, 3, groups=4, device=device),
        lambda device: nn.ConvTranspose3d(6, 9, (2, 3, 4), groups=3, bias=False, device=device),
        lambda device: nn.LSTM(40, 64, 3, bidirectional=True, proj_size=16, device=device),
        lambda device: nn.GRU(33, 17, 2, bias=False, device=device),
        lambda device: nn.MultiheadAttention(64, 8, kdim=20, vdim=30, device=device),
        lambda device: nn.Linear(300, 200, device=device),
        lambda device: nn.Bilinear(20, 30, 40, device=device),
    ):
        assert numel(build("meta")) == numel(build("cpu"))


def test_calculator_cases_are_deterministic():
    first = calculator_cases.to_json()
    calculator_cases.cases.cache_clear()
    assert calculator_cases.to_json() == first
