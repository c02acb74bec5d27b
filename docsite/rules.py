"""Static rules for example blocks: every demonstration and every assert must be able to fail.

The collector checks each executed block's code against these rules before running it
(see DESIGN.md, "Example blocks: the rules"):

1. ``error-demo``: a ``try`` with an ``except`` handler (that does not re-raise) has an
   ``else:`` that raises, so the block fails when the error does not happen.
2. ``warning-demo``: warnings recorded with ``catch_warnings(record=True) as caught`` are
   asserted with something that fails without a warning (``len(caught) == 1``,
   ``caught[0]``, ``any(... for w in caught)``, ``assert caught``), or with their
   absence (``caught == []``); ``all(... for w in caught)`` or ``len(caught) <= 1`` alone
   are true when nothing was caught.
3. ``literal-proof``: no ``print`` of a constant string that claims a result
   (``print("equal: True")``): proof is computed.
4. ``vacuous-assert``: no assert on literals alone (``assert 3 * 16 == 48``), no
   ``isinstance`` of an object the block just built from that class, and no block whose
   only value checks compare an ``nn`` module with the functional its own ``forward``
   calls (``nn.BCELoss()(p, y)`` against ``F.binary_cross_entropy(p, y)``): check the
   functional against the formula.

A rule may be switched off for one block, visibly, with a comment in its code that gives
the reason: ``# rules: allow <rule> -- <why>``.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
from dataclasses import dataclass
from functools import cache

from docsite.usage import aliases_of, chain_of

RULES = ("error-demo", "warning-demo", "literal-proof", "vacuous-assert")
_ALLOW = re.compile(r"#\s*rules:\s*allow\s+(?P<rule>[\w-]+)\s+--\s*\S")
# "...: True" claims a result; "batch_first=True" names an argument.
_CLAIM = re.compile(
    r"(?<![=\w.])(?:True|False)\b|:\s*(?:equal|identical|the same|same|match(?:es)?|ok)\b"
)
_VALUE_CHECKS = {"torch.testing.assert_close", "torch.equal", "torch.allclose"}


@dataclass(frozen=True)
class RuleViolation:
    """A rule a block breaks, with the block line it concerns."""

    rule: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: [{self.rule}] {self.message}"


def check(code: str) -> list[RuleViolation]:
    """The rule violations of a block's code (empty when it follows every rule).

    Examples:
        >>> demo = "try:\\n    int('x')\\nexcept ValueError as e:\\n    print(e)\\n"
        >>> [v.rule for v in check(demo)]
        ['error-demo']
        >>> check(demo + "else:\\n    raise AssertionError('int() accepted x')\\n")
        []
    """
    tree = ast.parse(code)
    allowed = {m["rule"] for m in _ALLOW.finditer(code)}
    found = [
        *_error_demos(tree),
        *_warning_demos(tree),
        *_literal_proofs(tree),
        *_vacuous_asserts(tree),
    ]
    return sorted((v for v in found if v.rule not in allowed), key=lambda v: v.line)


# --- 1. error demonstrations -----------------------------------------------------


def _error_demos(tree: ast.AST) -> list[RuleViolation]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try | ast.TryStar) or not node.handlers:
            continue
        if all(_ends_in_raise(handler.body) for handler in node.handlers):
            continue  # it re-raises: not a demonstration
        if not any(isinstance(n, ast.Raise) for stmt in node.orelse for n in ast.walk(stmt)):
            found.append(
                RuleViolation(
                    "error-demo",
                    node.lineno,
                    "this try/except passes silently if the error stops happening: add "
                    '`else: raise AssertionError("expected ...")`',
                )
            )
    return found


def _ends_in_raise(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Raise)


# --- 2. warning demonstrations ---------------------------------------------------


def _warning_demos(tree: ast.AST) -> list[RuleViolation]:
    asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    recordings = [
        (node.lineno, item.optional_vars.id)
        for node in ast.walk(tree)
        if isinstance(node, ast.With)
        for item in node.items
        if isinstance(call := item.context_expr, ast.Call)
        and _last_name(call.func) == "catch_warnings"
        and any(k.arg == "record" and _is_true(k.value) for k in call.keywords)
        and isinstance(item.optional_vars, ast.Name)
    ]
    recordings.sort()
    found = []
    for index, (line, name) in enumerate(recordings):
        # The asserts that see this recording: up to the next one into the same name.
        end = next((later for later, other in recordings[index + 1 :] if other == name), 10**9)
        tests = [a.test for a in asserts if line < a.lineno < end]
        if not any(_proves_warnings(test, name) for test in tests):
            found.append(
                RuleViolation(
                    "warning-demo",
                    line,
                    f"nothing asserts what `{name}` recorded: assert the warning happened "
                    f"(`len({name}) == 1`, its category and message) or that none did "
                    f"(`{name} == []`); `all(...)` or `len({name}) <= 1` hold with no warning",
                )
            )
    return found


def _proves_warnings(test: ast.expr, name: str) -> bool:
    """Whether an assert's test fails for some outcome of the recording ``name``."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and _is_len_of(node.left, name):
            op, right = node.ops[0], node.comparators[0]
            if isinstance(op, ast.Eq | ast.NotEq) or (
                isinstance(op, ast.Gt | ast.GtE)
                and isinstance(right, ast.Constant)
                and isinstance(right.value, int)
                and right.value >= (0 if isinstance(op, ast.Gt) else 1)
            ):
                return True
        if (
            isinstance(node, ast.Compare)
            and _is_name(node.left, name)
            and isinstance(node.ops[0], ast.Eq)
        ):
            return True  # caught == [] (none) or == [...]
        if isinstance(node, ast.Subscript) and _is_name(node.value, name):
            return True  # caught[0] raises IndexError when nothing was caught
        if isinstance(node, ast.Call) and _last_name(node.func) == "any":
            return True
    # `assert caught`, `assert not caught`, `assert caught and ...`
    operands = test.values if isinstance(test, ast.BoolOp) else [test]
    return any(
        _is_name(o.operand if isinstance(o, ast.UnaryOp) and isinstance(o.op, ast.Not) else o, name)
        for o in operands
    )


def _is_len_of(node: ast.expr, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and _is_name(node.func, "len")
        and len(node.args) == 1
        and _is_name(node.args[0], name)
    )


# --- 3. proof printed as a literal -----------------------------------------------


def _literal_proofs(tree: ast.AST) -> list[RuleViolation]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_name(node.func, "print") and node.args:
            texts = [text for arg in node.args if (text := _constant_text(arg)) is not None]
            if any(_CLAIM.search(text) for text in texts):
                found.append(
                    RuleViolation(
                        "literal-proof",
                        node.lineno,
                        "this print states a result as a constant string: print the computed "
                        'value (`print("equal:", torch.equal(a, b))`) and assert it',
                    )
                )
    return found


def _constant_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(v.value for v in node.values)
    return None


# --- 4. asserts that cannot fail -------------------------------------------------


def _vacuous_asserts(tree: ast.Module) -> list[RuleViolation]:
    found = []
    literal_names, assigned = _literal_names(tree)
    built_from = _built_from(tree)
    bases = _classes_and_bases(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        names = [n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)]
        if all(n in literal_names or (n in vars(builtins) and n not in assigned) for n in names):
            found.append(
                RuleViolation(
                    "vacuous-assert",
                    node.lineno,
                    "this assert holds by arithmetic on literals alone: assert something the "
                    "code computed (build the module, count its parameters)",
                )
            )
            continue
        for call in ast.walk(node.test):
            if (
                isinstance(call, ast.Call)
                and _is_name(call.func, "isinstance")
                and len(call.args) == 2
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id in built_from
                and ast.dump(call.args[1]) in bases.get(built_from[call.args[0].id], set())
            ):
                found.append(
                    RuleViolation(
                        "vacuous-assert",
                        node.lineno,
                        f"`{call.args[0].id}` was just built by this class: isinstance cannot fail",
                    )
                )
    found += _self_checks_only(tree)
    return found


def _literal_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names every assignment of which is built from literals (and such names) alone, and
    every name the block binds."""
    assignments: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name, value in _pairs(target, node.value):
                    assignments.setdefault(name, []).append(value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            assignments.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            # `count += 1` in a loop counts what the code did: computed, not literal.
            assignments.setdefault(node.target.id, []).append(None)
        elif isinstance(
            node,
            ast.For
            | ast.comprehension
            | ast.With
            | ast.FunctionDef
            | ast.Import
            | ast.ImportFrom
            | ast.ExceptHandler
            | ast.NamedExpr,
        ):
            for name in _bound_names(node):
                assignments.setdefault(name, []).append(None)
    # A list built from literals and then appended to (or passed to a call) is computed.
    mutated = {
        part.value.id
        for part in ast.walk(tree)
        if isinstance(part, ast.Attribute | ast.Subscript) and isinstance(part.value, ast.Name)
    }
    mutated |= {
        arg.id
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        for arg in [*call.args, *(k.value for k in call.keywords)]
        if isinstance(arg, ast.Name)
    }
    literal: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, values in assignments.items():
            if (
                name not in literal
                and name not in mutated
                and all(v is not None and _is_literal(v, literal) for v in values)
            ):
                literal.add(name)
                changed = True
    return literal, set(assignments)


def _pairs(target: ast.expr, value: ast.expr | None) -> list[tuple[str, ast.expr | None]]:
    """``a, b = 1, 2`` -> ``[("a", 1), ("b", 2)]``; a value that cannot be split -> ``None``."""
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if isinstance(target, ast.Tuple | ast.List):
        values = (
            value.elts
            if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts)
            else [None] * len(target.elts)
        )
        return [pair for t, v in zip(target.elts, values, strict=True) for pair in _pairs(t, v)]
    return [(n.id, None) for n in ast.walk(target) if isinstance(n, ast.Name)]


def _bound_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.For | ast.comprehension):
        return [n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)]
    if isinstance(node, ast.With):
        return [
            n.id
            for item in node.items
            if item.optional_vars
            for n in ast.walk(item.optional_vars)
            if isinstance(n, ast.Name)
        ]
    if isinstance(node, ast.FunctionDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).partition(".")[0] for a in node.names]
    if isinstance(node, ast.ExceptHandler):
        return [node.name] if node.name else []
    if isinstance(node, ast.NamedExpr):
        return [node.target.id]
    return []


def _is_literal(node: ast.expr, literal: set[str]) -> bool:
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id not in literal:
            return False
        if isinstance(part, ast.Call | ast.Attribute | ast.Subscript | ast.Lambda):
            return False
    return True


def _built_from(tree: ast.Module) -> dict[str, str]:
    """Names bound exactly once, to ``Class(...)``: name -> the dumped class expression."""
    counts: dict[str, int] = {}
    built: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        counts[name.id] = counts.get(name.id, 0) + 1
            if (
                len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)
            ):
                built[node.targets[0].id] = ast.dump(node.value.func)
    return {name: cls for name, cls in built.items() if counts.get(name) == 1}


def _classes_and_bases(tree: ast.Module) -> dict[str, set[str]]:
    """Dumped class expression -> itself and, for a class the block defines, its bases."""
    classes: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            key = ast.dump(node.func)
            classes.setdefault(key, {key})
        if isinstance(node, ast.ClassDef):
            key = ast.dump(ast.Name(node.name, ast.Load()))
            classes.setdefault(key, {key}).update(ast.dump(base) for base in node.bases)
    return classes


def _self_checks_only(tree: ast.Module) -> list[RuleViolation]:
    """A block whose value checks all compare an nn module with the F function it calls."""
    aliases = aliases_of(list(ast.walk(tree)))
    modules = _module_instances(tree, aliases)
    checks = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _qualified(node.func, aliases) in _VALUE_CHECKS
        and len(node.args) >= 2
    ]
    values = _single_values(tree)
    self_checks = [
        (node, pair)
        for node in checks
        if (
            pair := _module_and_own_functional(
                values.get(_name_of(node.args[0]), node.args[0]),
                values.get(_name_of(node.args[1]), node.args[1]),
                modules,
                aliases,
            )
        )
    ]
    if not self_checks or len(self_checks) < len(checks):
        return []
    node, (module, functional) = self_checks[0]
    return [
        RuleViolation(
            "vacuous-assert",
            node.lineno,
            f"the only value checks compare `{module}` with `{functional}`, which its own forward "
            f"calls: check `{functional}` against the formula written out in torch ops",
        )
    ]


def _single_values(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound exactly once, to what they were bound."""
    values: dict[str, ast.expr] = {}
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name, value in _pairs(target, node.value):
                    counts[name] = counts.get(name, 0) + 1
                    if value is not None:
                        values[name] = value
    return {name: value for name, value in values.items() if counts[name] == 1}


def _name_of(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ""


def _module_instances(tree: ast.Module, aliases: dict[str, str]) -> dict[str, str]:
    """Names bound to an instance of a torch.nn module class: name -> class name."""
    found = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
        ):
            name = _qualified(node.value.func, aliases)
            if name and name.startswith("torch.nn.") and _forward_calls(name):
                found[node.targets[0].id] = name
    return found


def _module_and_own_functional(
    a: ast.expr, b: ast.expr, modules: dict[str, str], aliases: dict[str, str]
) -> tuple[str, str] | None:
    for module_side, functional_side in ((a, b), (b, a)):
        module = _called_module(module_side, modules, aliases)
        if module is None or not isinstance(functional_side, ast.Call):
            continue
        functional = _qualified(functional_side.func, aliases) or ""
        if functional.removeprefix("torch.nn.functional.") in _forward_calls(module):
            return module.removeprefix("torch."), functional.removeprefix("torch.nn.functional.")
    return None


def _called_module(node: ast.expr, modules: dict[str, str], aliases: dict[str, str]) -> str | None:
    """The module class of ``m(x)`` or ``nn.X(...)(x)``, or ``None``."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id in modules:
        return modules[func.id]
    if isinstance(func, ast.Call):
        name = _qualified(func.func, aliases)
        if name and name.startswith("torch.nn.") and _forward_calls(name):
            return name
    return None


@cache
def _forward_calls(class_name: str) -> frozenset[str]:
    """The ``F.*`` functions an nn module class's ``forward`` calls (empty if not a module)."""
    import torch

    obj: object = torch
    for part in class_name.split(".")[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return frozenset()
    if not (isinstance(obj, type) and issubclass(obj, torch.nn.Module)):
        return frozenset()
    try:
        source = inspect.getsource(obj.forward)
    except (OSError, TypeError):
        return frozenset()
    return frozenset(re.findall(r"\bF\.(\w+)\(", source))


def _qualified(func: ast.expr, aliases: dict[str, str]) -> str | None:
    chain = chain_of(func)
    if not chain or chain[0] not in aliases:
        return None
    return ".".join([aliases[chain[0]], *chain[1:]])


def _last_name(node: ast.expr) -> str:
    return (
        node.attr
        if isinstance(node, ast.Attribute)
        else node.id
        if isinstance(node, ast.Name)
        else ""
    )


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
