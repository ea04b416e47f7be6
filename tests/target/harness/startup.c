/*
 * Reset and exception vectors for the QEMU MPS2/MPS3 machines: enable the FPU
 * (and Helium, which shares CP10/CP11), zero .bss, start SysTick counting
 * every processor-clock tick, run main, report through semihosting.
 */
#include <stdint.h>

#include "semihosting.h"
#include "timer.h"

extern uint32_t __stack_top, __bss_start__, __bss_end__;
int main(void);

#define CPACR (*(volatile uint32_t*)0xE000ED88)
#define SYST_CSR (*(volatile uint32_t*)0xE000E010)
#define SYST_RVR (*(volatile uint32_t*)0xE000E014)
#define SYST_CVR (*(volatile uint32_t*)0xE000E018)
#define SYST_RELOAD 0xFFFFFFu

static volatile uint32_t systick_wraps;

void SysTick_Handler(void) { systick_wraps++; }

uint64_t timer_ticks(void) {
  uint32_t wraps, value;
  do {
    wraps = systick_wraps;
    value = SYST_CVR;
  } while (wraps != systick_wraps);
  return (uint64_t)wraps * (SYST_RELOAD + 1u) + (SYST_RELOAD - value);
}

static void fault(void) {
  sh_write0("harness: fault\n");
  sh_exit(1);
}

void Reset_Handler(void) {
  CPACR |= 0xFu << 20; /* CP10 + CP11 full access: FPU and MVE */
  __asm__ volatile("dsb\n isb" ::: "memory");
  for (uint32_t* word = &__bss_start__; word < &__bss_end__; ++word) {
    *word = 0;
  }
  SYST_RVR = SYST_RELOAD;
  SYST_CVR = 0;
  SYST_CSR = 7; /* processor clock, interrupt on wrap, enabled */
  while (SYST_CVR == 0) {
  }
  sh_exit(main());
}

__attribute__((section(".vectors"), used)) void (*const vector_table[16])(void) = {
    (void (*)(void))&__stack_top, Reset_Handler, fault, fault, fault, fault, fault, 0, 0, 0, 0, fault, fault, 0,
    fault, SysTick_Handler};
