"""MLPerf Tiny on emulated Cortex-M: the four reference models (kws.py, vww.py, ic.py, ad.py), the
benchmark Zephyr app (app/), building and running it (firmware.py) and the direct-CMSIS-NN baseline
the overhead ratio divides by (layers.py). benchmarks/mlperf_tiny.py prints the table."""
