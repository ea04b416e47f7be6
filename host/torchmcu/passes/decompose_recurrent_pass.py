"""DecomposeRecurrentPass: LSTM and GRU layers become per-step linear, gate and elementwise ops.

Each time step is written out with ops that already lower to int8 kernels:
`linear` per gate (input and hidden paths, added), `sigmoid`/`tanh` (tables),
`mul`/`add`/`sub` for the state update, `select` for a step's input and
`stack` for the output sequence. Done before quantization, so calibration
observes every gate and state on its own and each gets its own int8 scale.

With a zero initial state (PyTorch's default) the first step skips the hidden
path: the hidden bias folds into the input linear, the LSTM's `f * c` term
vanishes and GRU's `r * (W_hn h + b_hn)` is `r * b_hn`, a linear with a
diagonal weight.
"""

from __future__ import annotations

import operator

import torch
from torch.fx import GraphModule, Node
from torch.fx.passes.infra.pass_base import PassBase, PassResult

from torchmcu.lowering import constant_value, fake_value

aten = torch.ops.aten

LSTM_GATES = 4  # i, f, g, o (PyTorch's row order)
GRU_GATES = 3  # r, z, n


class _Builder:
    """Inserts float aten ops before one recurrent node, each with a fake value and its source line."""

    def __init__(self, gm: GraphModule, anchor: Node) -> None:
        self.gm, self.graph, self.anchor = gm, gm.graph, anchor
        self.fake_mode = torch._guards.detect_fake_mode(
            [n.meta.get("val") for n in gm.graph.nodes if "val" in n.meta]
        ) or torch._subclasses.FakeTensorMode(allow_non_fake_inputs=True)

    def call(self, op, *args) -> Node:
        node = self.graph.call_function(op, tuple(args))
        with self.fake_mode:
            node.meta["val"] = op(*[fake_value(a) for a in args])
        node.meta["stack_trace"] = self.anchor.meta.get("stack_trace")
        return node

    def constant(self, value: torch.Tensor, stem: str) -> Node:
        name = f"_torchmcu_{self.anchor.name}_{stem}"
        self.gm.register_buffer(name, value.contiguous().clone())
        node = self.graph.get_attr(name)
        node.meta["val"] = self.fake_mode.from_tensor(value)
        return node

    def linear(self, x: Node, weight: Node, bias: Node | None) -> Node:
        return self.call(aten.linear.default, x, weight, bias)


class _Layer:
    """One layer's weights split per gate, as graph constants; biases summed in float64, rounded once.

    The hidden bias folds into the input path's for every LSTM gate and for GRU's r and z;
    GRU's n keeps b_hn on the hidden path, which r scales.
    """

    def __init__(self, b: _Builder, weights: list[torch.Tensor], is_lstm: bool, layer: int):
        gates = LSTM_GATES if is_lstm else GRU_GATES
        w_ih, w_hh = weights[0], weights[1]
        hidden = w_hh.shape[1]
        zeros = torch.zeros(gates * hidden, dtype=torch.float64)
        b_ih = weights[2].to(torch.float64) if len(weights) > 2 else zeros
        b_hh = weights[3].to(torch.float64) if len(weights) > 2 else zeros
        rows = [slice(g * hidden, (g + 1) * hidden) for g in range(gates)]
        folded_gates = gates if is_lstm else 2
        dtype = w_ih.dtype
        self.w_ih = [b.constant(w_ih[r], f"l{layer}_w_ih{g}") for g, r in enumerate(rows)]
        self.w_hh = [b.constant(w_hh[r], f"l{layer}_w_hh{g}") for g, r in enumerate(rows)]
        self.b_in = [b.constant((b_ih[r] + (b_hh[r] if g < folded_gates else 0)).to(dtype), f"l{layer}_b_in{g}")
                     for g, r in enumerate(rows)]
        self.b_hn = self.diag_b_hn = None
        if not is_lstm:
            b_hn = b_hh[rows[2]].to(dtype)
            self.b_hn = b.constant(b_hn, f"l{layer}_b_hn")
            if bool(torch.any(b_hn != 0)):
                # r * b_hn (the first step's hidden part) as a linear with weight diag(b_hn):
                # per-channel int8 weights hold it exactly.
                self.diag_b_hn = b.constant(torch.diag(b_hn), f"l{layer}_diag_b_hn")

    def gate(self, b: _Builder, x: Node, h: Node | None, g: int) -> Node:
        """W_i[g] x + b (+ W_h[g] h when there is a state)."""
        pre = b.linear(x, self.w_ih[g], self.b_in[g])
        if h is None:
            return pre
        return b.call(aten.add.Tensor, pre, b.linear(h, self.w_hh[g], None))


def _lstm_step(b: _Builder, layer: _Layer, x: Node, h: Node | None, c: Node | None) -> tuple[Node, Node]:
    i, f, g, o = (layer.gate(b, x, h, k) for k in range(LSTM_GATES))
    i, f, o = (b.call(aten.sigmoid.default, v) for v in (i, f, o))
    g = b.call(aten.tanh.default, g)
    c = b.call(aten.mul.Tensor, i, g) if c is None else b.call(
        aten.add.Tensor, b.call(aten.mul.Tensor, f, c), b.call(aten.mul.Tensor, i, g))
    return b.call(aten.mul.Tensor, o, b.call(aten.tanh.default, c)), c


def _gru_step(b: _Builder, layer: _Layer, x: Node, h: Node | None) -> Node:
    r = b.call(aten.sigmoid.default, layer.gate(b, x, h, 0))
    z = b.call(aten.sigmoid.default, layer.gate(b, x, h, 1))
    n = b.linear(x, layer.w_ih[2], layer.b_in[2])
    if h is not None:
        hidden_n = b.linear(h, layer.w_hh[2], layer.b_hn)
        n = b.call(aten.add.Tensor, n, b.call(aten.mul.Tensor, r, hidden_n))
    elif layer.diag_b_hn is not None:
        n = b.call(aten.add.Tensor, n, b.linear(r, layer.diag_b_hn, None))
    n = b.call(aten.tanh.default, n)
    if h is None:
        return b.call(aten.sub.Tensor, n, b.call(aten.mul.Tensor, z, n))  # (1 - z) * n
    return b.call(aten.add.Tensor, n, b.call(aten.mul.Tensor, z, b.call(aten.sub.Tensor, h, n)))


def _initial(state: Node | None) -> Node | None:
    """A layer's initial state, or None for PyTorch's default zeros."""
    if state is None or (state.op == "call_function" and state.target == aten.zeros.default):
        return None
    return state


class DecomposeRecurrentPass(PassBase):
    """Unroll every unidirectional `aten.lstm.input` / `aten.gru.input` over its time steps.

    Expects: an exported float graph module, weights as get_attr constants,
    3-D inputs (batch-first or not), static sequence length.
    Leaves: the same values computed by aten linear / sigmoid / tanh / mul /
    add / sub / select / stack / unsqueeze ops; `(output, h_n[, c_n])` users
    read the new nodes. Bidirectional, projected (proj_size) or unbatched
    layers, and non-constant weights, stay as they are (reported as float ops).
    """

    def call(self, gm: GraphModule) -> PassResult:
        modified = False
        for node in list(gm.graph.nodes):
            if node.op == "call_function" and node.target in (aten.lstm.input, aten.gru.input):
                modified |= self._decompose(gm, node)
        if modified:
            gm.graph.eliminate_dead_code()
            gm.recompile()
        return PassResult(gm, modified)

    def _decompose(self, gm: GraphModule, node: Node) -> bool:
        is_lstm = node.target == aten.lstm.input
        x, hx, params, has_biases, num_layers, _dropout, train, bidirectional, batch_first = node.args
        weights = [constant_value(gm, p) for p in params]
        per_layer = 4 if has_biases else 2
        x_val = x.meta.get("val")
        gates = LSTM_GATES if is_lstm else GRU_GATES
        if (bidirectional or train or any(w is None for w in weights) or x_val is None or x_val.dim() != 3
                or len(weights) != per_layer * num_layers):
            return False
        if weights[1].shape[0] != gates * weights[1].shape[1]:
            return False  # an LSTM with proj_size: W_hh is [4H, P]
        states = list(hx) if is_lstm else [hx]
        b = _Builder(gm, node)
        time_dim = 1 if batch_first else 0
        steps = x_val.shape[time_dim]
        finals_h, finals_c = [], []
        with gm.graph.inserting_before(node):
            sequence = x
            for index in range(num_layers):
                layer = _Layer(b, weights[index * per_layer:(index + 1) * per_layer], is_lstm, index)
                h = _initial_slice(b, states[0], index)
                c = _initial_slice(b, states[1], index) if is_lstm else None
                outputs = []
                for t in range(steps):
                    x_t = b.call(aten.select.int, sequence, time_dim, t)
                    if is_lstm:
                        h, c = _lstm_step(b, layer, x_t, h, c)
                    else:
                        h = _gru_step(b, layer, x_t, h)
                    outputs.append(h)
                sequence = b.call(aten.stack.default, outputs, time_dim)
                finals_h.append(h)
                finals_c.append(c)
            results = [sequence, _stacked_states(b, finals_h)]
            if is_lstm:
                results.append(_stacked_states(b, finals_c))
        for user in list(node.users):
            if user.target is operator.getitem:
                user.replace_all_uses_with(results[user.args[1]])
                gm.graph.erase_node(user)
        # Erased by hand: dead-code elimination keeps ops tagged nondeterministic (dropout).
        if not node.users:
            gm.graph.erase_node(node)
        return True


def _initial_slice(b: _Builder, state: Node | None, layer: int) -> Node | None:
    """Layer `layer`'s [N, H] initial state from a [num_layers, N, H] input, or None for zeros."""
    state = _initial(state)
    return None if state is None else b.call(aten.select.int, state, 0, layer)


def _stacked_states(b: _Builder, finals: list[Node]) -> Node:
    """h_n / c_n: [num_layers, N, H]."""
    return b.call(aten.stack.default, finals, 0)
