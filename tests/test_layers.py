"""SwitchableNorm and DepthwiseSeparableConv2d against the torch layers they combine."""

import pytest
import torch
import torch.nn.functional as F
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


@pytest.mark.parametrize("kwargs", [{}, {"stride": 2, "padding": 1}, {"padding": "same", "dilation": 2},
                                    {"depth_multiplier": 2, "bias": False}])
def test_depthwise_separable_equals_its_two_convolutions(kwargs):
    torch.manual_seed(0)
    conv = DepthwiseSeparableConv2d(4, 6, 3, **kwargs)
    x = torch.randn(2, 4, 9, 9)
    dw = conv.depthwise
    expected = F.conv2d(
        F.conv2d(x, dw.weight, None, dw.stride, dw.padding, dw.dilation, groups=4),
        conv.pointwise.weight, conv.pointwise.bias,
    )
    torch.testing.assert_close(conv(x), expected)
    same_settings = nn.Conv2d(4, 6, 3, **{k: v for k, v in kwargs.items() if k not in ("depth_multiplier", "bias")})
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
        "conv_1", "pool_1", "relu_1", "conv_2", "pool_2", "relu_2"]
    assert net(torch.zeros(3, 200, dtype=torch.long)).shape == (3, 1)
    assert net.embedding.padding_idx == 1
    with pytest.raises(ValueError, match=r"\(N, 200\), got \(3, 100\)"):
        net(torch.zeros(3, 100, dtype=torch.long))
