"""layerref.Linear matches nn.Linear: same init from the same seed, same outputs, same repr."""

import pytest
import torch
from torch import nn

from layerref import Linear


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (16, 7)])
def test_same_seed_gives_identical_weights_and_outputs(shape, bias):
    torch.manual_seed(123)
    ours = Linear(*shape, bias=bias)
    torch.manual_seed(123)
    theirs = nn.Linear(*shape, bias=bias)
    torch.testing.assert_close(ours.weight, theirs.weight, rtol=0, atol=0)
    if bias:
        torch.testing.assert_close(ours.bias, theirs.bias, rtol=0, atol=0)
    else:
        assert ours.bias is None and theirs.bias is None
    x = torch.randn(4, 2, shape[0])
    torch.testing.assert_close(ours(x), theirs(x), rtol=0, atol=0)


def test_repr_matches_nn_linear():
    for bias in (True, False):
        assert repr(Linear(3, 2, bias=bias)) == repr(nn.Linear(3, 2, bias=bias))


def test_parameters_are_registered_like_nn_linear():
    assert [n for n, _ in Linear(3, 2).named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in Linear(3, 2, bias=False).named_parameters()] == ["weight"]


def test_reset_parameters_redraws():
    torch.manual_seed(0)
    layer = Linear(8, 4)
    before = layer.weight.detach().clone()
    layer.reset_parameters()
    assert not torch.equal(before, layer.weight)
    assert layer.weight.abs().max() <= 1 / 8**0.5


def test_wrong_input_feature_size_is_a_clear_error():
    layer = Linear(3, 2)
    with pytest.raises(ValueError, match=r"in_features=3.*shape \(4, 5\)"):
        layer(torch.zeros(4, 5))
    with pytest.raises(ValueError, match="in_features=3"):
        layer(torch.tensor(1.0))


@pytest.mark.parametrize("bad", [0, -1])
def test_bad_sizes_rejected(bad):
    with pytest.raises(ValueError, match="in_features must be a positive int"):
        Linear(bad, 2)
    with pytest.raises(TypeError, match="out_features must be an int"):
        Linear(2, 2.0)


def test_dtype_and_backward():
    layer = Linear(3, 2, dtype=torch.float64)
    assert layer.weight.dtype == torch.float64
    layer(torch.ones(1, 3, dtype=torch.float64)).sum().backward()
    assert layer.weight.grad is not None and layer.bias.grad is not None
