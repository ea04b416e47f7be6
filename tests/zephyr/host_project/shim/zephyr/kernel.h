/* Host stand-in for the parts of <zephyr/kernel.h> the samples use. */
#ifndef TORCHMCU_HOST_SHIM_ZEPHYR_KERNEL_H_
#define TORCHMCU_HOST_SHIM_ZEPHYR_KERNEL_H_

#include <stdint.h>
#include <stdio.h>

#define printk printf

#endif
