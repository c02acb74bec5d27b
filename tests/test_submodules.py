"""Submodule utilities on the notes' text CNN."""

import pytest

from layerref import TextCNN, children_map, freeze_child, module_tree


def test_children_map_in_registration_order():
    assert list(children_map(TextCNN())) == ["embedding", "conv", "dense"]


def test_tree_shows_every_module_with_counts():
    tree = module_tree(TextCNN())
    lines = tree.splitlines()
    assert lines[0] == "TextCNN  40,625 params"
    assert len(lines) == len(list(TextCNN().modules()))
    assert "├── embedding: Embedding  30,000 params" in lines
    assert "    └── linear: Linear  6,145 params" in lines


def test_tree_marks_frozen_parts():
    net = TextCNN()
    freeze_child(net, "embedding")
    assert module_tree(net).splitlines()[0] == "TextCNN  40,625 params (10,625 trainable)"


def test_freeze_child_returns_the_frozen_child():
    net = TextCNN()
    child = freeze_child(net, "embedding")
    assert child is net.embedding
    assert all(not p.requires_grad for p in child.parameters())
    assert all(p.requires_grad for p in net.conv.parameters())


def test_freeze_child_unknown_name():
    with pytest.raises(KeyError, match=r"'dense_' \(did you mean 'dense'\?\)"):
        freeze_child(TextCNN(), "dense_")
