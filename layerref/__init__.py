"""layerref: the package behind the executable PyTorch layer reference.

It holds what the reference pages need beyond torch itself: a custom `Linear`,
parameter and submodule utilities, parameter-count and output-shape formulas,
layers torch lacks (`SwitchableNorm`, `DepthwiseSeparableConv2d`) and the
notes' example model (`TextCNN`).
"""

__version__ = "0.1.0"

from layerref import formulas
from layerref.examples import TextCNN
from layerref.layers import DepthwiseSeparableConv2d, SwitchableNorm
from layerref.linear import Linear
from layerref.params import (
    ParameterRow,
    ParameterTable,
    count_parameters,
    freeze,
    parameter_table,
    unfreeze,
)
from layerref.submodules import children_map, freeze_child, module_tree

__all__ = [
    "DepthwiseSeparableConv2d",
    "Linear",
    "ParameterRow",
    "ParameterTable",
    "SwitchableNorm",
    "TextCNN",
    "children_map",
    "count_parameters",
    "formulas",
    "freeze",
    "freeze_child",
    "module_tree",
    "parameter_table",
    "unfreeze",
]
