/*
 * Checks of a program's bytes, made before ExecuTorch parses them.
 *
 * Integrity: `torchmcu compile` appends an 8-byte trailer to every program,
 * the magic "TMCK" then the CRC-32 (zlib's) of all bytes before the trailer,
 * both little-endian. The runner recomputes it at load, so a flipped bit in
 * flash or in transfer is refused as "program corrupted" instead of running
 * with a changed weight. Building with TORCHMCU_VERIFY_PROGRAM=0
 * (CONFIG_TORCHMCU_VERIFY_PROGRAM=n) skips the CRC for boot-time-critical
 * products; the trailer is still stripped. docs/record.md describes it.
 */
#ifndef TORCHMCU_RUNNER_PROGRAM_CHECKS_H_
#define TORCHMCU_RUNNER_PROGRAM_CHECKS_H_

#include <stddef.h>
#include <stdint.h>

#ifndef TORCHMCU_VERIFY_PROGRAM
#define TORCHMCU_VERIFY_PROGRAM 1
#endif

namespace torchmcu {

constexpr uint32_t kTrailerMagic = 0x4b434d54u; /* "TMCK" */
constexpr size_t kTrailerBytes = 8;

struct ProgramTrailer {
  size_t program_size; /* bytes ExecuTorch sees: the trailer stripped */
  bool present;
  bool intact;         /* CRC matches (always true when verification is off) */
};

uint32_t crc32(const uint8_t* data, size_t size);

/* Finds and checks the integrity trailer of `size` bytes at `data`. */
ProgramTrailer read_trailer(const uint8_t* data, size_t size);

/*
 * The `torchmcu compile --target` string that plans a program for CPU index
 * `cpu` (record.py's CPU_CODES) so a firmware running CMSIS-NN's
 * `firmware_isa` path (TORCHMCU_ISA_*) accepts it: always a string the
 * target parser accepts (tests/runtime/test_record.py parses every one).
 */
const char* recompile_target(int64_t cpu, int64_t firmware_isa);

/* Operator names/overloads present and every instruction / IO index in range. */
bool operators_well_formed(const uint8_t* data, size_t size);

}  // namespace torchmcu

#endif /* TORCHMCU_RUNNER_PROGRAM_CHECKS_H_ */
