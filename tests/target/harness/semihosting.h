/* Arm semihosting calls the harness needs (QEMU -semihosting-config enable=on,target=native). */
#ifndef TORCHMCU_TARGET_SEMIHOSTING_H_
#define TORCHMCU_TARGET_SEMIHOSTING_H_

#include <stddef.h>
#include <stdint.h>

int32_t sh_open(const char* path, int32_t mode); /* mode 1 = "rb", 5 = "wb" (semihosting open modes) */
int32_t sh_close(int32_t handle);
/* Returns the number of bytes NOT read/written (0 = all of them), as SYS_READ/SYS_WRITE do. */
int32_t sh_read(int32_t handle, void* data, size_t nbytes);
int32_t sh_write(int32_t handle, const void* data, size_t nbytes);
void sh_write0(const char* text);
__attribute__((noreturn)) void sh_exit(int32_t status);

#endif /* TORCHMCU_TARGET_SEMIHOSTING_H_ */
