"""The custom fully connected layer from the study notes, written properly."""

from __future__ import annotations

import math
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from layerref._errors import check_positive_int


class Linear(nn.Module):
    """A fully connected layer, ``y = x @ weight.T + bias``, equal to `nn.Linear`.

    It allocates with ``torch.empty`` (not the legacy ``torch.Tensor(...)``
    constructor the notes use), initialises in `reset_parameters` exactly as
    `nn.Linear` does, and so draws the same numbers from the same seed.

    Args:
        in_features: Size of each input sample (the last input dimension).
        out_features: Size of each output sample.
        bias: If ``False``, the layer learns no additive bias.
        device: Where to allocate the parameters.
        dtype: The parameters' floating-point type.

    Shape:
        - Input: ``(*, in_features)``
        - Output: ``(*, out_features)``

    Examples:
        >>> import torch
        >>> from layerref import Linear
        >>> _ = torch.manual_seed(0)
        >>> layer = Linear(4, 2)
        >>> layer
        Linear(in_features=4, out_features=2, bias=True)
        >>> layer(torch.ones(3, 4)).shape
        torch.Size([3, 2])
    """

    __constants__: ClassVar[list[str]] = ["in_features", "out_features"]
    in_features: int
    out_features: int
    weight: nn.Parameter
    bias: nn.Parameter | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        self.weight = nn.Parameter(
            torch.empty(out_features, in_features, device=device, dtype=dtype)
        )
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features, device=device, dtype=dtype))
        else:
            # Registering None keeps `layer.bias` defined and out of parameters().
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight and bias from U(-1/sqrt(in_features), 1/sqrt(in_features)).

        ``kaiming_uniform_`` with ``a=sqrt(5)`` gives exactly that bound for the
        weight; the bias uses the same bound, computed from the weight's fan-in.
        """
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = nn.init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Apply the layer to ``input`` of shape ``(*, in_features)``."""
        if input.dim() == 0 or input.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear expected input with last dimension in_features={self.in_features}, "
                f"got input of shape {tuple(input.shape)}"
            )
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        """Describe the layer the way `nn.Linear` does."""
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
