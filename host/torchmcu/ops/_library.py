"""One definition per op: schema, Python reference and meta, registered together.

`define_op` declares `torchmcu::<name>` and `torchmcu::<name>.out` from one
argument list, registers the reference (the numeric specification) for both,
and the meta function for fake-tensor tracing and export.
"""

from __future__ import annotations

from typing import Callable

import torch

NAMESPACE = "torchmcu"
_LIB = torch.library.Library(NAMESPACE, "DEF")
_DEFINED: dict[str, "OpDefinition"] = {}


class OpDefinition:
    """What one `torchmcu::` op is: its schema, reference and meta function."""

    def __init__(self, name: str, arguments: str, reference: Callable, meta: Callable,
                 cmsis_nn_fallback: Callable | None = None) -> None:
        self.name = name
        self.arguments = arguments
        self.reference = reference
        self.meta = meta
        # (arguments by name, isa) -> whether the CMSIS-NN backend hands this call to the
        # portable kernel (kernels/nn/cmsis_nn/<op>.c); None: it never does. The firmware's
        # kernel selection links the portable kernel only when a program's call reaches it.
        self.cmsis_nn_fallback = cmsis_nn_fallback

    @property
    def functional(self) -> torch._ops.OpOverload:
        return getattr(getattr(torch.ops, NAMESPACE), self.name).default

    @property
    def out(self) -> torch._ops.OpOverload:
        return getattr(getattr(torch.ops, NAMESPACE), self.name).out

    @property
    def argument_names(self) -> list[str]:
        return [a.name for a in self.functional._schema.arguments]


def define_op(name: str, arguments: str, reference: Callable, meta: Callable,
              cmsis_nn_fallback: Callable | None = None) -> OpDefinition:
    """Declare `torchmcu::name(arguments) -> Tensor` and its `.out` variant."""
    _LIB.define(f"{name}({arguments}) -> Tensor")
    _LIB.define(f"{name}.out({arguments}, *, Tensor(a!) out) -> Tensor(a!)")

    def out_reference(*args, out: torch.Tensor, **kwargs):
        out.copy_(reference(*args, **kwargs))
        return out

    def out_meta(*args, out: torch.Tensor, **kwargs):
        return out

    _LIB.impl(name, reference, "CompositeExplicitAutograd")
    _LIB.impl(f"{name}.out", out_reference, "CompositeExplicitAutograd")
    torch.library.register_fake(f"{NAMESPACE}::{name}", meta, lib=_LIB)
    torch.library.register_fake(f"{NAMESPACE}::{name}.out", out_meta, lib=_LIB)
    definition = OpDefinition(name, arguments, reference, meta, cmsis_nn_fallback)
    _DEFINED[name] = definition
    return definition


def all_ops() -> dict[str, OpDefinition]:
    return dict(_DEFINED)


def is_torchmcu_op(target: object) -> bool:
    return isinstance(target, torch._ops.OpOverload) and target.namespace == NAMESPACE


def named_args(node: torch.fx.Node) -> dict[str, object]:
    """A call's arguments by schema name (defaults filled in): no args[10]."""
    schema = node.target._schema
    bound: dict[str, object] = {}
    for i, arg in enumerate(schema.arguments):
        if i < len(node.args):
            bound[arg.name] = node.args[i]
        elif arg.name in node.kwargs:
            bound[arg.name] = node.kwargs[arg.name]
        elif arg.has_default_value():
            bound[arg.name] = arg.default_value
    return bound
