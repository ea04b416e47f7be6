/*
 * ExecuTorch's log lines on the Zephyr console, formatted by printk.
 *
 * ExecuTorch's Zephyr platform layer prints its log lines with newlib's
 * fprintf and "%zu" for the line number. Newlib built without C99 formats
 * (Debian's arm-none-eabi newlib) prints "zu" instead, so a kernel's error
 * ("E [executorch:op_conv2d.cpp:zu ()] ...") loses its line and function.
 * The module links with --wrap=et_pal_emit_log_message, so every ExecuTorch
 * log call lands here and is formatted by Zephyr's cbprintf.
 */
#include <stddef.h>

#include <zephyr/sys/printk.h>

#include <executorch/runtime/platform/platform.h>

extern "C" void __wrap_et_pal_emit_log_message(et_timestamp_t timestamp, et_pal_log_level_t level,
                                               const char* filename, const char* function, size_t line,
                                               const char* message, size_t length) {
  (void)timestamp;
  printk("%c [executorch:%s:%u %s()] %.*s\n", (char)level, filename, (unsigned)line, function, (int)length,
         message);
}
