/*
 * Mutation fuzzer for the runner: feeds corrupted copies of a real program
 * through load / set_input / run and counts outcomes. Built with
 * AddressSanitizer + UndefinedBehaviorSanitizer by the tests, so any
 * out-of-bounds access or UB aborts the process (a crash is a failed test).
 *
 *   fuzz_runner PROGRAM.pte CASES SEED
 *
 * Prints one line per outcome category and "crashes 0" at the end; a case
 * that hangs is caught by the caller's timeout.
 */
#include <torchmcu/runner.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

namespace {

constexpr size_t kArenaBytes = 4u << 20;
constexpr size_t kPoolBytes = 1u << 20;
alignas(16) uint8_t g_arena[kArenaBytes];
alignas(16) uint8_t g_pool[kPoolBytes];

struct Rng {
  uint64_t state;
  uint32_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<uint32_t>(state >> 11);
  }
  size_t below(size_t n) { return n == 0 ? 0 : next() % n; }
};

enum Mutation { kTruncate, kBitFlips, kOverwrite, kZeroSpan, kCopySpan, kExtend, kMutations };
const char* const kMutationNames[] = {"truncate", "bit-flips", "overwrite", "zero-span", "copy-span", "extend"};

void mutate(std::vector<uint8_t>& bytes, Rng& rng, Mutation kind) {
  const size_t size = bytes.size();
  switch (kind) {
    case kTruncate:
      bytes.resize(rng.below(size));
      break;
    case kBitFlips:
      for (size_t i = 0, n = 1 + rng.below(8); i < n && size; ++i) {
        bytes[rng.below(size)] ^= static_cast<uint8_t>(1u << rng.below(8));
      }
      break;
    case kOverwrite:
      for (size_t i = rng.below(size), n = 1 + rng.below(16); i < size && n; ++i, --n) {
        bytes[i] = static_cast<uint8_t>(rng.next());
      }
      break;
    case kZeroSpan:
      for (size_t i = rng.below(size), n = 1 + rng.below(64); i < size && n; ++i, --n) {
        bytes[i] = 0;
      }
      break;
    case kCopySpan: {
      const size_t from = rng.below(size), to = rng.below(size), n = rng.below(64);
      for (size_t i = 0; i < n && from + i < size && to + i < size; ++i) {
        bytes[to + i] = bytes[from + i];
      }
      break;
    }
    case kExtend:
      bytes.resize(size + 1 + rng.below(256), static_cast<uint8_t>(rng.next()));
      break;
    default:
      break;
  }
}

const char* category(int code) {
  switch (-code) {
    case 0: return "ok";
    case EBADMSG: return "refused: invalid program (EBADMSG)";
    case ENOMEM: return "refused: too large (ENOMEM)";
    case ENOTSUP: return "refused: unsupported (ENOTSUP)";
    case EPROTO: return "refused: record mismatch (EPROTO)";
    case ENOENT: return "refused: not found (ENOENT)";
    case EINVAL: return "refused: invalid argument (EINVAL)";
    default: return "refused: other";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s PROGRAM.pte CASES SEED\n", argv[0]);
    return 2;
  }
  FILE* file = fopen(argv[1], "rb");
  if (file == nullptr) {
    fprintf(stderr, "cannot open %s\n", argv[1]);
    return 2;
  }
  std::vector<uint8_t> seed;
  uint8_t chunk[4096];
  for (size_t n; (n = fread(chunk, 1, sizeof(chunk), file)) > 0;) {
    seed.insert(seed.end(), chunk, chunk + n);
  }
  fclose(file);
  const long cases = strtol(argv[2], nullptr, 10);
  Rng rng{static_cast<uint64_t>(strtoull(argv[3], nullptr, 10)) * 2654435761u + 1};

  const char* names[16] = {nullptr};
  long counts[16] = {0};
  long by_mutation[kMutations] = {0};
  long loaded = 0, ran = 0;
  for (long c = 0; c < cases; ++c) {
    std::vector<uint8_t> bytes = seed;
    const Mutation kind = static_cast<Mutation>(rng.below(kMutations));
    mutate(bytes, rng, kind);
    by_mutation[kind]++;
    // The program lives in a buffer of exactly its size: ASan sees any read past it.
    std::vector<uint8_t> program(bytes.begin(), bytes.end());
    torchmcu::Runner runner;
    torchmcu::RunnerMemory memory{g_arena, kArenaBytes, g_pool, kPoolBytes};
    int code = runner.load(program.empty() ? nullptr : program.data(), program.size(), memory);
    if (code == 0) {
      ++loaded;
      for (size_t i = 0; i < runner.num_inputs() && code == 0; ++i) {
        std::vector<uint8_t> input(runner.input_nbytes(i), 0);
        code = runner.set_input(i, input.data(), input.size());
      }
      if (code == 0) {
        code = runner.run();
        ran += code == 0;
      }
    }
    const char* name = category(code);
    for (size_t i = 0; i < 16; ++i) {
      if (names[i] == nullptr || names[i] == name) {
        names[i] = name;
        counts[i]++;
        break;
      }
    }
  }
  printf("cases %ld\n", cases);
  for (int m = 0; m < kMutations; ++m) {
    printf("mutation %s %ld\n", kMutationNames[m], by_mutation[m]);
  }
  printf("loaded %ld\nran %ld\n", loaded, ran);
  for (size_t i = 0; i < 16 && names[i] != nullptr; ++i) {
    printf("outcome %s: %ld\n", names[i], counts[i]);
  }
  printf("crashes 0\n");
  return 0;
}
