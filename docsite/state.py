"""A snapshot of the process-wide state an example block must leave as it found it."""

from __future__ import annotations

import os
from typing import Any

import torch
from torch.nn.modules import module as nn_module

_GLOBAL_HOOK_DICTS = (
    "_global_forward_pre_hooks",
    "_global_forward_hooks",
    "_global_backward_pre_hooks",
    "_global_backward_hooks",
    "_global_buffer_registration_hooks",
    "_global_module_registration_hooks",
    "_global_parameter_registration_hooks",
)


def global_state() -> dict[str, Any]:
    """Describe the global settings a block could change and forget to restore.

    Examples:
        >>> state = global_state()
        >>> state["default_dtype"], state["grad_enabled"]
        (torch.float32, True)
    """
    return {
        "default_dtype": torch.get_default_dtype(),
        "grad_enabled": torch.is_grad_enabled(),
        "deterministic": torch.are_deterministic_algorithms_enabled(),
        "num_threads": torch.get_num_threads(),
        "cwd": os.getcwd(),
        "print_options": tuple(sorted(vars(torch._tensor_str.PRINT_OPTS).items())),
        "global_module_hooks": {
            name: tuple(getattr(nn_module, name, {})) for name in _GLOBAL_HOOK_DICTS
        },
        # Set by the first global backward hook and never reset by removing it: after
        # that, torch refuses the other kind of global backward hook in this process.
        "global_backward_hook_kind": getattr(nn_module, "_global_is_full_backward_hook", None),
    }


def restore_global_state(state: dict[str, Any]) -> None:
    """Put back every setting of a `global_state` snapshot, so that a block that leaked
    one fails alone and the blocks after it run as they would have.

    Only what changed is set.

    Examples:
        >>> state = global_state()
        >>> torch.set_printoptions(precision=2); _ = torch.set_grad_enabled(False)
        >>> restore_global_state(state)
        >>> global_state() == state
        True
    """
    now = global_state()
    setters = {
        "default_dtype": torch.set_default_dtype,
        "grad_enabled": torch.set_grad_enabled,
        # The public torch.use_deterministic_algorithms imports torch._inductor: 2.6 s cold.
        "deterministic": torch._C._set_deterministic_algorithms,
        "num_threads": torch.set_num_threads,
        "cwd": os.chdir,
        "print_options": _set_print_options,
        "global_module_hooks": _remove_added_hooks,
        "global_backward_hook_kind": _set_backward_hook_kind,
    }
    for key, setter in setters.items():
        if now[key] != state[key]:
            setter(state[key])


def _set_print_options(options: tuple[tuple[str, Any], ...]) -> None:
    for name, value in options:
        setattr(torch._tensor_str.PRINT_OPTS, name, value)


def _remove_added_hooks(hooks: dict[str, tuple[int, ...]]) -> None:
    for name, keys in hooks.items():
        registered = getattr(nn_module, name, {})
        for key in set(registered) - set(keys):
            del registered[key]


def _set_backward_hook_kind(kind: bool | None) -> None:
    nn_module._global_is_full_backward_hook = kind
