"""FuseLstmPass: an LSTM that arm_lstm_unidirectional_s8 can run becomes one calibration op per layer.

Where it fits -- `aten.lstm.input`, unidirectional, eval mode, 3-D input (batch-first or not),
constant weights, no proj_size, PyTorch's zero initial state (h_0 and c_0 absent or zeros),
and c_n unused (the kernel keeps no final cell state; h_n is the last step of each layer's
output) -- each layer becomes `torchmcu_calibration::lstm_layer`: float LSTM arithmetic that
also records the largest |cell state| calibration sees in a buffer of its own. The quantizer
observes the layer's input and output like any activation; lowering (lowering/lstm.py) reads
those qparams and the recorded cell range and emits one torchmcu::lstm, carrying the sigmoid
table the pass was given (CMSIS-NN's, torchmcu.lstm_fusion). Anything else -- and everything when
the compile does not fuse (no table: torchmcu.lstm_fusion's rule) -- is left to
DecomposeRecurrentPass, which unrolls it into linear, table and elementwise kernels.
"""

from __future__ import annotations

import operator

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.lowering import constant_value
from torchmcu.lstm_layer import LSTM_LAYER
from torchmcu.passes.decompose_recurrent_pass import LSTM_GATES, _Builder, _initial

aten = torch.ops.aten


class FuseLstmPass(PassBase):
    """Replace each fitting `aten.lstm.input` by a chain of `torchmcu_calibration::lstm_layer`.

    Expects: an exported float graph module, before DecomposeRecurrentPass; `sigmoid_table` from
    torchmcu.lstm_fusion, or None to fuse nothing.
    Leaves: output and h_n users reading the chain (h_n as `select` of each layer's last
    step, stacked); the LSTMs that do not fit (module docstring) untouched.
    """

    def __init__(self, sigmoid_table: torch.Tensor | None = None) -> None:
        super().__init__()
        self.sigmoid_table = sigmoid_table

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        if self.sigmoid_table is None:
            return PassResult(gm, False)
        for node in list(gm.graph.nodes):
            if node.op == "call_function" and node.target == aten.lstm.input:
                modified |= self._fuse(gm, node)
        if modified:
            gm.graph.eliminate_dead_code()
            gm.recompile()
        return PassResult(gm, modified)

    def _fuse(self, gm: GraphModule, node: Node) -> bool:
        x, hx, params, has_biases, num_layers, _dropout, train, bidirectional, batch_first = node.args
        weights = [constant_value(gm, p) for p in params]
        per_layer = 4 if has_biases else 2
        x_val = x.meta.get("val")
        users = {user.args[1]: user for user in node.users if user.target is operator.getitem}
        if (bidirectional or train or any(w is None for w in weights) or x_val is None or x_val.dim() != 3
                or len(weights) != per_layer * num_layers or len(users) != len(node.users)
                or any(_initial(state) is not None for state in hx) or users.get(2) is not None
                and users[2].users):
            return False
        if weights[1].shape[0] != LSTM_GATES * weights[1].shape[1]:
            return False  # proj_size: W_hh is [4H, P]
        b = _Builder(gm, node)
        time_dim = 1 if batch_first else 0
        finals = []
        with gm.graph.inserting_before(node):
            table = b.constant(self.sigmoid_table, "sigmoid_table")
            sequence = x
            for index in range(num_layers):
                w_ih, w_hh, *biases = weights[index * per_layer:(index + 1) * per_layer]
                bias = sum(biases) if biases else torch.zeros(w_hh.shape[0], dtype=w_hh.dtype)
                constants = [b.constant(value, f"l{index}_{stem}") for value, stem in
                             ((w_ih, "w_ih"), (w_hh, "w_hh"), (bias, "bias"), (torch.zeros(1), "cell_range"))]
                sequence = b.call(LSTM_LAYER, sequence, *constants, table, bool(batch_first))
                finals.append(b.call(aten.select.int, sequence, time_dim, -1))
            results = {0: sequence, 1: b.call(aten.stack.default, finals, 0)}
        for index, user in users.items():
            if index in results:
                user.replace_all_uses_with(results[index])
            gm.graph.erase_node(user)
        gm.graph.erase_node(node)
        return True
