"""The rules for example blocks (docsite.rules): each defect kind is caught, good blocks pass."""

from __future__ import annotations

import textwrap

import pytest

from docsite.rules import check

BAD = {
    "error-demo": """
        import torch
        try:
            torch.zeros(2) @ torch.zeros(3)
        except RuntimeError as error:
            print(error)
    """,
    "error-demo in a loop": """
        for text in ["x", "1.5"]:
            try:
                int(text)
            except ValueError as error:
                print(error)
    """,
    "warning-demo with all()": """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn("deprecated")
        assert all("deprecated" in str(w.message) for w in caught)
    """,
    "warning-demo with <= 1": """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn("deprecated")
        assert len(caught) <= 1
    """,
    "warning-demo proved only for an earlier recording": """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn("one")
        assert len(caught) == 1
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn("two")
        assert all("two" in str(w.message) for w in caught)
    """,
    "literal-proof": """
        import torch
        a = torch.ones(2)
        print("a == a: True")
    """,
    "literal-proof beside a value": """
        import torch
        y = torch.ones(2)
        print(y.shape, "| alone == in the batch: True")
    """,
    "literal-proof of equality": """
        print("functional vs module: equal")
    """,
    "vacuous-assert on literals": """
        assert 3 * 16 + 16 == 64
    """,
    "vacuous-assert on names bound to literals": """
        vocab, dim = 50_000, 300
        assert vocab // dim > 100
    """,
    "vacuous-assert isinstance": """
        from torch import nn
        layer = nn.Linear(2, 2)
        assert isinstance(layer, nn.Linear)
    """,
    "vacuous-assert isinstance of a subclass": """
        from torch import nn
        class Scale(nn.Module):
            pass
        layer = Scale()
        assert isinstance(layer, nn.Module)
    """,
    "vacuous-assert module vs its own functional": """
        import torch
        from torch import nn
        import torch.nn.functional as F
        p, y = torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])
        out = F.binary_cross_entropy(p, y)
        torch.testing.assert_close(out, nn.BCELoss()(p, y))
    """,
    "vacuous-assert module instance vs its own functional": """
        import torch
        from torch import nn
        from torch.nn import functional as F
        pool = nn.AvgPool1d(2)
        x = torch.arange(4.0).view(1, 1, 4)
        assert torch.equal(pool(x), F.avg_pool1d(x, 2))
    """,
}

GOOD = {
    "error demo with else": """
        import torch
        try:
            torch.zeros(2) @ torch.zeros(3)
        except RuntimeError as error:
            print(error)
        else:
            raise AssertionError("expected a RuntimeError")
    """,
    "try that re-raises": """
        try:
            import numpy
        except ImportError:
            raise
    """,
    "try/finally": """
        import torch
        torch.set_grad_enabled(False)
        try:
            pass
        finally:
            torch.set_grad_enabled(True)
    """,
    "warning demo": """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn("deprecated")
        assert len(caught) == 1 and issubclass(caught[0].category, UserWarning)
        print(caught[0].message)
    """,
    "no warning, asserted": """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            pass
        assert caught == []
    """,
    "computed proof": """
        import torch
        a = torch.ones(2)
        print("equal:", torch.equal(a, a), "batch_first=True:", a.shape)
        assert torch.equal(a, a)
    """,
    "counted in a loop": """
        count = 0
        for i in range(3):
            count += 1
        assert count == 3
    """,
    "a list filled by a hook": """
        calls = []
        calls.append(1)
        assert len(calls) == 1
    """,
    "functional against the formula": """
        import torch
        from torch import nn
        import torch.nn.functional as F
        p, y = torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])
        out = F.binary_cross_entropy(p, y)
        torch.testing.assert_close(out, -(y * p.log() + (1 - y) * (1 - p).log()).mean())
        torch.testing.assert_close(out, nn.BCELoss()(p, y))
    """,
    "a visible exemption": """
        assert 1 + 1 == 2  # rules: allow vacuous-assert -- shows what the reader checks by hand
    """,
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_defect_is_caught(case):
    rule = case.split()[0]
    found = check(textwrap.dedent(BAD[case]))
    assert [v.rule for v in found] == [rule], found


@pytest.mark.parametrize("case", sorted(GOOD))
def test_good_blocks_pass(case):
    assert check(textwrap.dedent(GOOD[case])) == []


def test_an_exemption_needs_a_reason():
    code = "assert 1 + 1 == 2  # rules: allow vacuous-assert\n"
    assert [v.rule for v in check(code)] == ["vacuous-assert"]
