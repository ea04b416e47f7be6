/*
 * Loads a program with the runner and prints the result: the host stand-in for
 * a firmware built with given TORCHMCU_BUILD_ISA / TORCHMCU_BUILD_USES_CMSIS_NN /
 * TORCHMCU_CMSIS_NN_SIZING_VERSION, to test the record check (docs/record.md).
 *
 *   record_probe PROGRAM.pte   -> prints "accepted" or "refused <code>: <message>"
 */
#include <torchmcu/runner.h>

#include <errno.h>
#include <stdio.h>

#include <vector>

namespace {
alignas(16) uint8_t g_arena[1u << 20];
alignas(16) uint8_t g_pool[1u << 20];
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PROGRAM.pte\n", argv[0]);
    return 2;
  }
  FILE* file = fopen(argv[1], "rb");
  if (file == nullptr) {
    return 2;
  }
  std::vector<uint8_t> program;
  uint8_t chunk[4096];
  for (size_t n; (n = fread(chunk, 1, sizeof(chunk), file)) > 0;) {
    program.insert(program.end(), chunk, chunk + n);
  }
  fclose(file);
  torchmcu::Runner runner;
  const int code = runner.load(program.data(), program.size(), {g_arena, sizeof(g_arena), g_pool, sizeof(g_pool)});
  // EPROTO/EBADMSG come from the record check; anything later (e.g. kernels this
  // probe does not link) means the record was accepted.
  if (code == -EPROTO || code == -EBADMSG) {
    printf("refused %d: %s\n", code, runner.last_error());
  } else {
    printf("accepted (%s)\n", code == 0 ? "loaded" : runner.last_error());
  }
  return 0;
}
