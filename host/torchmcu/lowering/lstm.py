"""torchmcu_calibration::lstm_layer (torchmcu/lstm_layer.py, placed by FuseLstmPass) -> torchmcu::lstm.

The input's and output's qparams come from calibration's observers, the cell state's
power-of-two scale from the largest |c| the layer recorded during calibration
(lowering/lstm_quantization.py has the arithmetic).
"""

from __future__ import annotations

from torch.fx import Node

from torchmcu.lowering import LoweringContext, NotLowerable, mcu, register_lowering
from torchmcu.lowering.lstm_quantization import lstm_arguments
from torchmcu.lstm_layer import LSTM_LAYER

INT32_LIMIT = 2**31


@register_lowering(LSTM_LAYER)
def lower_lstm(ctx: LoweringContext, node: Node) -> Node:
    source, w_ih, w_hh, bias, cell_range, sigmoid_table, batch_first = node.args
    x = ctx.quantized_input(source)
    if ctx.activation is not None:
        raise NotLowerable("an activation after an LSTM layer does not fold into it")
    args = lstm_arguments(ctx.constant(w_ih), ctx.constant(w_hh), ctx.constant(bias), None,
                          (x.qparams.scale, x.qparams.zero_point), (ctx.out.scale, ctx.out.zero_point),
                          float(ctx.constant(cell_range)[0]), time_major=not batch_first)
    for name in ("input_bias", "hidden_bias"):
        if int(args[name].abs().max()) >= INT32_LIMIT:
            raise NotLowerable(f"LSTM {name} does not fit int32 at input scale {x.qparams.scale}")
    tensors = [ctx.add_constant(args.pop(name), f"lstm_{name}") for name in
               ("input_weights", "input_bias", "hidden_weights", "hidden_bias", "gate_multiplier", "gate_shift")]
    table = ctx.add_constant(ctx.constant(sigmoid_table), "lstm_sigmoid_table")
    return ctx.call(mcu.lstm.default, x.node, *tensors, table, *args.values())
