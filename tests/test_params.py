"""Parameter counting, the table, and freeze/unfreeze by name or pattern."""

import pytest
import torch
from torch import nn

from layerref import TextCNN, count_parameters, freeze, parameter_table, unfreeze


def test_counts_split_into_trainable_and_frozen():
    net = TextCNN()
    total = count_parameters(net)
    assert total == sum(p.numel() for p in net.parameters()) == 40625
    net.embedding.requires_grad_(False)
    assert count_parameters(net, "frozen") == 30000
    assert count_parameters(net, "trainable") == total - 30000


def test_shared_parameter_counted_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    assert count_parameters(model) == 6


def test_unknown_which_rejected():
    with pytest.raises(ValueError, match="which must be one of"):
        count_parameters(nn.Linear(1, 1), "all_of_them")


def test_table_rows_and_alignment():
    table = parameter_table(TextCNN())
    names = [row.name for row in table.rows]
    assert names[0] == "embedding.weight" and names[-1] == "dense.linear.bias"
    assert table.total == 40625
    lines = str(table).splitlines()
    # Every line of the table is aligned: the numel column ends at the same place.
    numel_end = lines[0].index("numel") + len("numel")
    for line in lines[2:-2]:
        assert line[numel_end - 1].isdigit()
    assert "30,000" in str(table)


def test_freeze_submodule_by_name_and_glob():
    net = TextCNN()
    assert freeze(net, "embedding") == 30000
    assert not net.embedding.weight.requires_grad
    assert freeze(net, "conv.conv_*") == 256 + 4224
    assert all(not p.requires_grad for p in net.conv.parameters())
    assert unfreeze(net, "*.bias") == 16 + 128 + 1
    assert net.conv.conv_1.bias.requires_grad and not net.conv.conv_1.weight.requires_grad
    assert count_parameters(net, "trainable") == 6145 + 16 + 128


def test_unknown_name_lists_close_matches():
    with pytest.raises(KeyError, match=r"'embeding'.*did you mean 'embedding'"):
        freeze(TextCNN(), "embeding")


def test_freeze_requires_a_name_and_strings():
    with pytest.raises(ValueError, match="at least one"):
        freeze(nn.Linear(1, 1))
    with pytest.raises(TypeError, match="names must be str"):
        freeze(nn.Linear(1, 1), 0)


def test_frozen_parameters_get_no_gradient():
    torch.manual_seed(0)
    net = TextCNN()
    freeze(net, "embedding")
    net(torch.randint(0, 10000, (2, 200))).sum().backward()
    assert net.embedding.weight.grad is None
    assert net.dense.linear.weight.grad is not None
