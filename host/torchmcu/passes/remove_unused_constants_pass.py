"""RemoveUnusedConstantsPass: the module keeps only the constants some op reads."""

from __future__ import annotations

import torch
from torch.fx import GraphModule
from torch.fx.passes.infra.pass_base import PassBase, PassResult


def _owner_and_name(gm: GraphModule, target: str) -> tuple[torch.nn.Module, str]:
    """The submodule holding a dotted attribute path, and the attribute's own name."""
    *path, name = target.split(".")
    owner = gm
    for part in path:
        owner = getattr(owner, part)
    return owner, name


class RemoveUnusedConstantsPass(PassBase):
    """Drop get_attr nodes nobody reads, and the tensors only they named.

    Why: torch.export lifts every parameter and buffer of the module into the
    program, used or not, and ExecuTorch serializes each lifted constant. After
    lowering, the quantized weights in PyTorch layout and their per-channel
    scales and zero points (read by the dequantize chains lowering replaced)
    still sit on the module beside the OHWI copies the kernels take.

    Expects: the lowered graph, all dead compute already gone.
    Leaves: every tensor attribute of the module (parameter, buffer or plain
    tensor) is named by a get_attr node that has at least one user.
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        for node in list(gm.graph.nodes):
            if node.op == "get_attr" and not node.users:
                gm.graph.erase_node(node)
                modified = True
        read = {node.target for node in gm.graph.nodes if node.op == "get_attr"}
        tensors = [name for name, _ in gm.named_parameters(remove_duplicate=False)]
        tensors += [name for name, _ in gm.named_buffers(remove_duplicate=False)]
        tensors += [name for name, value in vars(gm).items() if isinstance(value, torch.Tensor)]
        for target in dict.fromkeys(tensors):
            if target in read:
                continue
            owner, name = _owner_and_name(gm, target)
            if name in owner._parameters:
                del owner._parameters[name]
            elif name in owner._buffers:
                del owner._buffers[name]
            else:
                delattr(owner, name)
            modified = True
        gm.recompile()
        return PassResult(gm, modified)
