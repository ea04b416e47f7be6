/*
 * Failed C asserts (ExecuTorch's flatbuffer reader checks vector indices with
 * assert) reported through printk, then a kernel panic.
 *
 * Newlib's __assert_func prints with fiprintf to stderr, which links newlib's
 * whole stdio (FILE buffers, vfiprintf, locale: about 7 KB of flash) into a
 * firmware that otherwise prints only through Zephyr's console. The module
 * links with --wrap=__assert_func, so every assert lands here; the check itself
 * is unchanged and still stops the firmware.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/printk.h>

FUNC_NORETURN void __wrap___assert_func(const char* file, int line, const char* function, const char* expression) {
  printk("assertion \"%s\" failed: %s:%d (%s)\n", expression, file, line, function ? function : "");
  k_panic();
  CODE_UNREACHABLE;
}
