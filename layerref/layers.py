"""Layers the study notes describe that torch does not ship."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from layerref._errors import check_positive_int


class SwitchableNorm(nn.Module):
    """Switchable Normalization: a learned mix of batch, layer and instance statistics.

    Luo et al., "Differentiable Learning-to-Normalize via Switchable
    Normalization" (2018). For input ``(N, C, *)`` it computes the mean and the
    (biased) variance three ways -- per ``(n, c)`` over the spatial positions
    (instance), per ``n`` over ``C`` and the positions (layer), per ``c`` over
    ``N`` and the positions (batch) -- and mixes each with softmax weights that
    are learned parameters (``mean_weight``, ``var_weight``). With one weight
    dominant it *is* `nn.InstanceNorm2d`, `nn.LayerNorm` or `nn.BatchNorm2d`.

    In training the batch statistics come from the batch and update
    ``running_mean`` / ``running_var`` like `nn.BatchNorm2d`; in eval mode the
    running estimates replace them.

    Args:
        num_features: ``C``, the channel count.
        eps: Added to the variance for numerical stability.
        momentum: Weight of the new batch statistics in the running estimates.
        affine: Learn a per-channel ``weight`` and ``bias``.

    Shape:
        - Input: ``(N, C, *)`` with at least one dimension after ``C``.
        - Output: same shape as the input.

    Examples:
        >>> import torch
        >>> norm = SwitchableNorm(4)
        >>> x = torch.arange(2 * 4 * 3 * 3, dtype=torch.float32).reshape(2, 4, 3, 3)
        >>> norm(x).shape
        torch.Size([2, 4, 3, 3])
        >>> sum(p.numel() for p in norm.parameters())  # 4 + 4 affine, 3 + 3 mixing logits
        14
    """

    running_mean: torch.Tensor
    running_var: torch.Tensor

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True
    ) -> None:
        super().__init__()
        self.num_features = check_positive_int("num_features", num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        # Order of the mixing weights: instance, layer, batch.
        self.mean_weight = nn.Parameter(torch.ones(3))
        self.var_weight = nn.Parameter(torch.ones(3))
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Normalise ``input`` of shape ``(N, C, *)`` with the mixed statistics."""
        if input.dim() < 3 or input.shape[1] != self.num_features:
            raise ValueError(
                f"SwitchableNorm expected input of shape (N, {self.num_features}, *) with at least "
                f"one dimension after the channels, got {tuple(input.shape)}"
            )
        n, c = input.shape[:2]
        x = input.reshape(n, c, -1)
        # Each variance is taken about its own group's mean (torch.var_mean), as in
        # the torch norms. E[x^2] - E[x]^2 from the instance statistics cancels
        # catastrophically in float32 when the mean is large against the spread
        # (NaN for x = 1000 + 0.01 * noise).
        var_in, mean_in = torch.var_mean(x, dim=2, unbiased=False, keepdim=True)  # (N, C, 1)
        var_ln, mean_ln = torch.var_mean(x, dim=(1, 2), unbiased=False, keepdim=True)  # (N, 1, 1)
        if self.training:
            # (1, C, 1)
            var_bn, mean_bn = torch.var_mean(x, dim=(0, 2), unbiased=False, keepdim=True)
            self._update_running_stats(mean_bn, var_bn, count=x.shape[0] * x.shape[2])
        else:
            mean_bn = self.running_mean.view(1, c, 1)
            var_bn = self.running_var.view(1, c, 1)
        mw = F.softmax(self.mean_weight, dim=0)
        vw = F.softmax(self.var_weight, dim=0)
        mean = mw[0] * mean_in + mw[1] * mean_ln + mw[2] * mean_bn
        var = vw[0] * var_in + vw[1] * var_ln + vw[2] * var_bn
        out = ((x - mean) / torch.sqrt(var + self.eps)).reshape(input.shape)
        if self.weight is not None and self.bias is not None:
            shape = (1, c) + (1,) * (input.dim() - 2)
            out = out * self.weight.view(shape) + self.bias.view(shape)
        return out

    @torch.no_grad()
    def _update_running_stats(self, mean: torch.Tensor, var: torch.Tensor, count: int) -> None:
        # Like BatchNorm: the running variance uses the unbiased estimate.
        unbiased = var.flatten() * count / max(count - 1, 1)
        self.running_mean.lerp_(mean.flatten(), self.momentum)
        self.running_var.lerp_(unbiased, self.momentum)

    def extra_repr(self) -> str:
        """Show the constructor arguments."""
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}"
        )


class DepthwiseSeparableConv2d(nn.Module):
    """A depthwise convolution followed by a 1x1 pointwise convolution.

    The counterpart of Keras ``SeparableConv2D``: the depthwise step
    (``groups=in_channels``, the counterpart of Keras ``DepthwiseConv2D``)
    filters each channel on its own, the pointwise step mixes channels. As in
    Keras, only the pointwise step has a bias. Parameters:
    ``in*m*k_h*k_w + in*m*out (+ out)`` with depth multiplier ``m``, against
    ``in*k_h*k_w*out (+ out)`` for a standard `nn.Conv2d`.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        kernel_size: The depthwise kernel size.
        stride: The depthwise stride.
        padding: The depthwise padding (int, tuple, ``"same"`` or ``"valid"``).
        dilation: The depthwise dilation.
        depth_multiplier: Depthwise output channels per input channel.
        bias: Whether the pointwise convolution has a bias.

    Shape:
        - Input: ``(N, in_channels, H, W)`` or unbatched ``(in_channels, H, W)``.
        - Output: ``(N, out_channels, H_out, W_out)`` with the sizes of a `nn.Conv2d`
          of the same kernel, stride, padding and dilation.

    Examples:
        >>> import torch
        >>> conv = DepthwiseSeparableConv2d(32, 64, 3, padding=1)
        >>> conv(torch.zeros(1, 32, 8, 8)).shape
        torch.Size([1, 64, 8, 8])
        >>> sum(p.numel() for p in conv.parameters())  # 32*3*3 + 32*64 + 64
        2400
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        depth_multiplier: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__()
        check_positive_int("in_channels", in_channels)
        check_positive_int("out_channels", out_channels)
        check_positive_int("depth_multiplier", depth_multiplier)
        mid = in_channels * depth_multiplier
        self.depthwise = nn.Conv2d(
            in_channels,
            mid,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            groups=in_channels,
            bias=False,
        )
        self.pointwise = nn.Conv2d(mid, out_channels, kernel_size=1, bias=bias)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Apply the depthwise, then the pointwise convolution."""
        output: torch.Tensor = self.pointwise(self.depthwise(input))  # Module calls are Any
        return output
