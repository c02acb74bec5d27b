"""The study notes' example models, so that page examples stay one line long."""

from __future__ import annotations

import torch
from torch import nn

#: Length of the token sequences `TextCNN` is sized for: the dense layer expects
#: 128 * 48 = 6144 features.
TEXT_CNN_SEQ_LEN = 200


class TextCNN(nn.Module):
    """The notes' text classifier: embedding, two conv blocks, a dense head.

    Token ids ``(N, 200)`` -> embedding ``(N, 200, 3)`` -> transpose to
    channels-first ``(N, 3, 200)`` -> ``conv`` (Conv1d 3->16 k5, MaxPool 2,
    ReLU, Conv1d 16->128 k2, MaxPool 2, ReLU) -> ``(N, 128, 48)`` -> ``dense``
    (Flatten, Linear 6144->1) -> one logit per sequence.

    The submodule names follow the notes' printed output (``relu_1``,
    ``relu_2``); the notes' code spells the embedding argument
    ``num_embedding``, which torch rejects: it is ``num_embeddings``.

    Args:
        vocab_size: Number of token ids.
        embedding_dim: Size of each token vector.
        padding_idx: The id whose vector stays zero and gets no gradient.

    Examples:
        >>> import torch
        >>> net = TextCNN()
        >>> net(torch.ones(2, 200, dtype=torch.long)).shape
        torch.Size([2, 1])
        >>> sum(p.numel() for p in net.parameters())  # 30000 + 256 + 4224 + 6145
        40625
    """

    def __init__(
        self, vocab_size: int = 10000, embedding_dim: int = 3, padding_idx: int = 1
    ) -> None:
        super().__init__()
        self.embedding = nn.Embedding(
            num_embeddings=vocab_size, embedding_dim=embedding_dim, padding_idx=padding_idx
        )
        self.conv = nn.Sequential()
        self.conv.add_module(
            "conv_1", nn.Conv1d(in_channels=embedding_dim, out_channels=16, kernel_size=5)
        )
        self.conv.add_module("pool_1", nn.MaxPool1d(kernel_size=2))
        self.conv.add_module("relu_1", nn.ReLU())
        self.conv.add_module("conv_2", nn.Conv1d(in_channels=16, out_channels=128, kernel_size=2))
        self.conv.add_module("pool_2", nn.MaxPool1d(kernel_size=2))
        self.conv.add_module("relu_2", nn.ReLU())
        self.dense = nn.Sequential()
        self.dense.add_module("flatten", nn.Flatten())
        self.dense.add_module("linear", nn.Linear(6144, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map token ids ``(N, 200)`` to logits ``(N, 1)``."""
        if x.dim() != 2 or x.shape[1] != TEXT_CNN_SEQ_LEN:
            raise ValueError(
                f"TextCNN expects token ids of shape (N, {TEXT_CNN_SEQ_LEN}), got {tuple(x.shape)}"
            )
        x = self.embedding(x).transpose(1, 2)
        x = self.conv(x)
        logits: torch.Tensor = self.dense(x)  # Module.__call__ is typed as returning Any
        return logits
