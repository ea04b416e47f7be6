/* Semihosting through BKPT 0xAB: no libc stdio, heap or rdimon start-up needed. */
#include "semihosting.h"

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITE0 0x04
#define SYS_WRITE 0x05
#define SYS_READ 0x06
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023

static int32_t call(int32_t operation, const void* argument) {
  register int32_t r0 __asm__("r0") = operation;
  register const void* r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static size_t length(const char* text) {
  size_t n = 0;
  while (text[n] != 0) {
    ++n;
  }
  return n;
}

int32_t sh_open(const char* path, int32_t mode) {
  const uint32_t block[3] = {(uint32_t)path, (uint32_t)mode, (uint32_t)length(path)};
  return call(SYS_OPEN, block);
}

int32_t sh_close(int32_t handle) { return call(SYS_CLOSE, &handle); }

int32_t sh_read(int32_t handle, void* data, size_t nbytes) {
  const uint32_t block[3] = {(uint32_t)handle, (uint32_t)data, (uint32_t)nbytes};
  return call(SYS_READ, block);
}

int32_t sh_write(int32_t handle, const void* data, size_t nbytes) {
  const uint32_t block[3] = {(uint32_t)handle, (uint32_t)data, (uint32_t)nbytes};
  return call(SYS_WRITE, block);
}

void sh_write0(const char* text) { call(SYS_WRITE0, text); }

void sh_exit(int32_t status) {
  /* AArch32 SYS_EXIT takes the reason code itself; QEMU exits 0 for ApplicationExit, 1 otherwise. */
  call(SYS_EXIT, (const void*)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR));
  for (;;) {
  }
}
