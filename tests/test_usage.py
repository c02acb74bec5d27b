"""The usage detector: aliases and chains resolve; strings, comments and prose do not count."""

import pytest

from docsite.usage import used_names


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import torch\ntorch.nn.Conv2d(1, 1, 1)", "torch.nn.Conv2d"),
        ("from torch import nn\nnn.Conv2d(1, 1, 1)", "torch.nn.Conv2d"),
        ("import torch.nn as nn\nnn.ReLU()", "torch.nn.ReLU"),
        ("import torch.nn.functional as F\nF.relu(x)", "torch.nn.functional.relu"),
        ("from torch.nn import functional as F\nF.gelu(x)", "torch.nn.functional.gelu"),
        ("from torch.nn import Conv2d as C\nC(1, 1, 1)", "torch.nn.Conv2d"),
        (
            "from torch.nn.utils import prune\nprune.l1_unstructured(m, 'weight', amount=0.5)",
            "torch.nn.utils.prune.l1_unstructured",
        ),
        (
            "import torch.nn.utils.rnn as rnn_utils\nrnn_utils.pad_sequence(xs)",
            "torch.nn.utils.rnn.pad_sequence",
        ),
        (
            "import torch.nn.functional\ntorch.nn.functional.softmax(x, 0)",
            "torch.nn.functional.softmax",
        ),
        (
            "from torch import nn\nnn.SyncBatchNorm.convert_sync_batchnorm(m)",
            "torch.nn.SyncBatchNorm",
        ),
        (
            "from torch import nn\nfor cls in (nn.Conv1d, nn.Conv3d):\n    cls(1, 1, 1)",
            "torch.nn.Conv3d",
        ),
        (
            "from torch import nn\ndef f(x):\n    return nn.functional.mish(x)",
            "torch.nn.functional.mish",
        ),
    ],
)
def test_detects(code, expected):
    assert expected in used_names(code)


@pytest.mark.parametrize(
    ("code", "absent"),
    [
        ("from torch import nn\nprint('nn.Conv2d is great')", "torch.nn.Conv2d"),
        ("from torch import nn\n# nn.Conv2d(3, 16, 3) would be nice\nx = 1", "torch.nn.Conv2d"),
        ('"""import torch.nn.functional as F; F.relu"""', "torch.nn.functional.relu"),
        ("import numpy as nn\nnn.ReLU", "torch.nn.ReLU"),  # not torch's nn
        ("nn.ReLU()", "torch.nn.ReLU"),  # never imported
        ("from torch import nn\nmodel.nn.ReLU", "torch.nn.ReLU"),  # an attribute of something else
    ],
)
def test_does_not_count(code, absent):
    assert absent not in used_names(code)
