"""SwitchableNorm and DepthwiseSeparableConv2d against the torch layers they combine."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from layerref import DepthwiseSeparableConv2d, SwitchableNorm, TextCNN
from layerref import formulas as fm


def dominant(norm: SwitchableNorm, index: int) -> SwitchableNorm:
    """Make one of instance (0), layer (1), batch (2) statistics take all the weight."""
    logits = torch.full((3,), -1e4)
    logits[index] = 1e4
    with torch.no_grad():
        norm.mean_weight.copy_(logits)
        norm.var_weight.copy_(logits)
    return norm


@pytest.fixture
def x():
    torch.manual_seed(0)
    return torch.randn(4, 6, 5, 3) * 3 + 1


def test_instance_statistics_equal_instance_norm(x):
    torch.testing.assert_close(dominant(SwitchableNorm(6), 0)(x), F.instance_norm(x))


def test_layer_statistics_equal_layer_norm(x):
    torch.testing.assert_close(dominant(SwitchableNorm(6), 1)(x), F.layer_norm(x, x.shape[1:]))


def test_batch_statistics_equal_batch_norm_in_training(x):
    norm = dominant(SwitchableNorm(6), 2)
    bn = nn.BatchNorm2d(6)
    torch.testing.assert_close(norm(x), bn(x))
    torch.testing.assert_close(norm.running_mean, bn.running_mean)
    torch.testing.assert_close(norm.running_var, bn.running_var)
    norm.eval()
    bn.eval()
    torch.testing.assert_close(norm(x), bn(x))


def test_mix_is_learned(x):
    norm = SwitchableNorm(6)
    norm(x).pow(2).mul(torch.arange(6.0).view(1, 6, 1, 1)).sum().backward()
    assert norm.mean_weight.grad is not None and norm.var_weight.grad.abs().sum() > 0


def test_affine_and_parameter_count():
    assert sum(p.numel() for p in SwitchableNorm(8).parameters()) == 8 * 2 + 6
    assert sum(p.numel() for p in SwitchableNorm(8, affine=False).parameters()) == 6


def test_works_on_1d_and_3d_inputs():
    torch.manual_seed(0)
    for shape in [(2, 3, 7), (2, 3, 2, 3, 4)]:
        x = torch.randn(shape)
        torch.testing.assert_close(dominant(SwitchableNorm(3), 0)(x), F.instance_norm(x))


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 6, \*\).*got \(4, 5, 3\)"):
        SwitchableNorm(6)(torch.zeros(4, 5, 3))
    with pytest.raises(ValueError, match="num_features must be a positive int"):
        SwitchableNorm(0)


def test_repr():
    assert repr(SwitchableNorm(4)) == "SwitchableNorm(4, eps=1e-05, momentum=0.1, affine=True)"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"stride": 2, "padding": 1},
        {"padding": "same", "dilation": 2},
        {"depth_multiplier": 2, "bias": False},
    ],
)
def test_depthwise_separable_equals_its_two_convolutions(kwargs):
    torch.manual_seed(0)
    conv = DepthwiseSeparableConv2d(4, 6, 3, **kwargs)
    x = torch.randn(2, 4, 9, 9)
    dw = conv.depthwise
    expected = F.conv2d(
        F.conv2d(x, dw.weight, None, dw.stride, dw.padding, dw.dilation, groups=4),
        conv.pointwise.weight,
        conv.pointwise.bias,
    )
    torch.testing.assert_close(conv(x), expected)
    same_settings = nn.Conv2d(
        4, 6, 3, **{k: v for k, v in kwargs.items() if k not in ("depth_multiplier", "bias")}
    )
    assert conv(x).shape == same_settings(x).shape


def test_depthwise_separable_parameter_saving():
    sep = DepthwiseSeparableConv2d(32, 64, 3)
    std = nn.Conv2d(32, 64, 3)
    n_sep = sum(p.numel() for p in sep.parameters())
    assert n_sep == 32 * 9 + 32 * 64 + 64
    assert n_sep == fm.conv_params(32, 32, 3, groups=32, bias=False) + fm.conv_params(32, 64, 1)
    assert sum(p.numel() for p in std.parameters()) == fm.conv_params(32, 64, 3) == 18496
    assert n_sep / 18496 < 0.13


def test_text_cnn_shapes_and_names():
    net = TextCNN()
    assert [n for n, _ in net.conv.named_children()] == [
        "conv_1",
        "pool_1",
        "relu_1",
        "conv_2",
        "pool_2",
        "relu_2",
    ]
    assert net(torch.zeros(3, 200, dtype=torch.long)).shape == (3, 1)
    assert net.embedding.padding_idx == 1
    with pytest.raises(ValueError, match=r"\(N, 200\), got \(3, 100\)"):
        net(torch.zeros(3, 100, dtype=torch.long))


# Large offsets: the mean of each group is far from 0 compared with its spread, where a
# variance computed as E[x^2] - E[x]^2 in float32 loses every digit (or turns negative).
# Offsets of magnitude 10**2.5 .. 10**4, spreads of 10**-0.5 .. 10**0.5.
offsets = st.tuples(st.sampled_from([-1.0, 1.0]), st.floats(2.5, 4.0)).map(
    lambda t: t[0] * 10 ** t[1]
)
scales = st.floats(-0.5, 0.5).map(lambda k: 10**k)
BRANCHES = {  # branch index -> dims the torch norm takes its statistics over
    0: (2, 3),  # instance: per (n, c)
    1: (1, 2, 3),  # layer: per n
    2: (0, 2, 3),  # batch: per c
}


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(
    st.integers(0, 2**16),
    st.integers(2, 4),
    st.integers(1, 4),
    st.integers(2, 4),
    st.integers(2, 4),
    offsets,
    scales,
    st.sampled_from(sorted(BRANCHES)),
)
def test_one_branch_equals_its_torch_norm_at_large_offsets(seed, n, c, h, w, offset, scale, branch):
    torch.manual_seed(seed)
    x = offset + scale * torch.randn(n, c, h, w)
    reference = {
        0: nn.InstanceNorm2d(c),
        1: nn.LayerNorm((c, h, w), elementwise_affine=False),
        2: nn.BatchNorm2d(c, momentum=1.0),  # running stats = this batch's statistics
    }[branch]
    norm = dominant(SwitchableNorm(c, momentum=1.0), branch)
    # float32 rounding of the mean alone moves the output by about |x| * eps / std
    # (torch's norms have the same error): allow a few times that, not more.
    std = x.double().std(dim=BRANCHES[branch], unbiased=False).min().item()
    atol = 1e-5 + 8 * x.abs().max().item() / std * torch.finfo(torch.float32).eps
    y = norm(x)
    assert torch.isfinite(y).all()
    torch.testing.assert_close(y, reference(x), rtol=0, atol=atol)
    if branch == 2:  # the batch branch also tracks running statistics like BatchNorm2d
        torch.testing.assert_close(norm.running_mean, reference.running_mean)
        torch.testing.assert_close(norm.running_var, reference.running_var, rtol=1e-4, atol=0)
        norm.eval()
        reference.eval()
        torch.testing.assert_close(norm(x), reference(x), rtol=1e-4, atol=atol)
