/*
 * Mutation fuzzer for the runner: feeds corrupted copies of a real program
 * through load / set_input / run and counts outcomes. Built with
 * AddressSanitizer + UndefinedBehaviorSanitizer by the tests, so any
 * out-of-bounds access or UB aborts the process (a crash is a failed test).
 *
 *   fuzz_runner PROGRAM.pte CASES SEED
 *
 * Half the cases damage the file as flash or a transfer would (the CRC-32
 * trailer must catch them: any that load and change the output are counted
 * as "silent-changes", which must be 0); the other half re-seal the damaged
 * bytes with a fresh trailer, so the structural checks behind the CRC are
 * fuzzed too. A final pass makes CASES single-bit flips of the whole file.
 *
 * Prints one line per outcome category and "crashes 0" at the end; a case
 * that hangs is caught by the caller's timeout.
 */
#include <torchmcu/runner.h>

#include "../runner/program_checks.h"

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

/* Loads `bytes`, runs them on zero inputs; `outputs` receives every output's bytes. */
int run_case(const std::vector<uint8_t>& bytes, std::vector<uint8_t>* outputs, bool* loaded = nullptr) {
  // The program lives in a buffer of exactly its size: ASan sees any read past it.
  std::vector<uint8_t> program(bytes.begin(), bytes.end());
  torchmcu::Runner runner;
  torchmcu::RunnerMemory memory{g_arena, kArenaBytes, g_pool, kPoolBytes};
  int code = runner.load(program.empty() ? nullptr : program.data(), program.size(), memory);
  if (loaded != nullptr) {
    *loaded = code == 0;
  }
  for (size_t i = 0; code == 0 && i < runner.num_inputs(); ++i) {
    std::vector<uint8_t> input(runner.input_nbytes(i), 0);
    code = runner.set_input(i, input.data(), input.size());
  }
  if (code == 0) {
    code = runner.run();
  }
  outputs->clear();
  for (size_t i = 0; code == 0 && i < runner.num_outputs(); ++i) {
    const void* data = nullptr;
    size_t nbytes = 0;
    if (runner.output(i, &data, &nbytes) == 0) {
      outputs->insert(outputs->end(), static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + nbytes);
    }
  }
  return code;
}

/* Replaces the trailer with one that matches the (damaged) bytes before it. */
void reseal(std::vector<uint8_t>& bytes) {
  const uint32_t crc = torchmcu::crc32(bytes.data(), bytes.size());
  const uint32_t magic = torchmcu::kTrailerMagic;
  const uint8_t* m = reinterpret_cast<const uint8_t*>(&magic);
  const uint8_t* c = reinterpret_cast<const uint8_t*>(&crc);
  bytes.insert(bytes.end(), m, m + 4);
  bytes.insert(bytes.end(), c, c + 4);
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

  std::vector<uint8_t> expected;
  if (seed.size() < torchmcu::kTrailerBytes || run_case(seed, &expected) != 0) {
    fprintf(stderr, "the unmutated program does not run\n");
    return 2;
  }
  const std::vector<uint8_t> body(seed.begin(), seed.end() - torchmcu::kTrailerBytes);

  const char* names[16] = {nullptr};
  long counts[16] = {0};
  long by_mutation[kMutations] = {0};
  long loaded = 0, ran = 0, damaged = 0, silent = 0;
  std::vector<uint8_t> outputs;
  for (long c = 0; c < cases; ++c) {
    const bool resealed = rng.below(2) == 0;
    std::vector<uint8_t> bytes = resealed ? body : seed;
    const Mutation kind = static_cast<Mutation>(rng.below(kMutations));
    mutate(bytes, rng, kind);
    by_mutation[kind]++;
    if (resealed) {
      reseal(bytes);
    }
    bool load_ok = false;
    int code = run_case(bytes, &outputs, &load_ok);
    loaded += load_ok;
    ran += code == 0;
    if (!resealed && bytes != seed) {
      ++damaged;
      silent += code == 0 && outputs != expected;
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
  long flips = 0, flips_refused = 0, flips_silent = 0;
  for (long c = 0; c < cases; ++c) {
    std::vector<uint8_t> bytes = seed;
    bytes[rng.below(bytes.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
    const int code = run_case(bytes, &outputs);
    ++flips;
    flips_refused += code != 0;
    flips_silent += code == 0 && outputs != expected;
  }
  printf("cases %ld\n", cases);
  for (int m = 0; m < kMutations; ++m) {
    printf("mutation %s %ld\n", kMutationNames[m], by_mutation[m]);
  }
  printf("loaded %ld\nran %ld\n", loaded, ran);
  printf("damaged %ld\nsilent-changes %ld\n", damaged, silent);
  printf("single-bit-flips %ld\nflips-refused %ld\nflip-silent-changes %ld\n", flips, flips_refused, flips_silent);
  for (size_t i = 0; i < 16 && names[i] != nullptr; ++i) {
    printf("outcome %s: %ld\n", names[i], counts[i]);
  }
  printf("crashes 0\n");
  return 0;
}
