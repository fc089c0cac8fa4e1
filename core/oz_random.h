/* oz_random.h - random number generators: a counter-based stream position, nothing more.
 *
 * A generator is (seed, offset). Random kernels are counter-based (Philox-4x32-10, see
 * dispatch/ops/random.def): a kernel receives only the seed and the offset at which its draw
 * starts, so any backend reproduces the same numbers, and a generator's whole state fits in 16
 * bytes. Each draw reserves the blocks it uses by advancing the offset, so consecutive draws
 * never overlap.
 *
 * Each device (type, index) has a default generator, used when an op is given none (torch's
 * default_generator for the CPU). Generators created for Python's torch.Generator live inside
 * the Python object; the core never frees a generator. */
#ifndef OZ_RANDOM_H
#define OZ_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The seed of a fresh generator, PyTorch's (torch.initial_seed() in a new process). */
#define OZ_DEFAULT_SEED UINT64_C(67280421310721)
/* Bytes of get_state()/set_state(): seed then offset, each uint64 little-endian. */
#define OZ_GENERATOR_STATE_BYTES 16
/* Default generators exist for device indices below this. */
#define OZ_MAX_GENERATOR_DEVICES 16

typedef struct oz_generator {
  uint64_t seed;
  uint64_t offset; /* blocks drawn since the seed was set */
  oz_device device;
} oz_generator;

/* A fresh generator for `device`: OZ_DEFAULT_SEED, offset 0. */
void oz_generator_init(oz_generator *g, oz_device device);
/* The default generator of a device (never NULL for a valid device; NULL + RuntimeError for a
 * device type or index out of range). */
oz_generator *oz_default_generator(oz_device device);
/* The generator a random op on `device` uses: `g` when given (RuntimeError "Expected a 'cuda'
 * device type for generator but found 'cpu'" if it belongs to another device type), else the
 * device's default. */
oz_generator *oz_resolve_generator(oz_generator *g, oz_device device);

void oz_generator_manual_seed(oz_generator *g, uint64_t seed); /* offset back to 0 */
/* Seeds g from the operating system's entropy (time-based if none) and returns the seed. */
uint64_t oz_generator_seed(oz_generator *g);
uint64_t oz_generator_initial_seed(const oz_generator *g);
/* torch.manual_seed: seeds every default generator. */
void oz_manual_seed_all(uint64_t seed);

void oz_generator_get_state(const oz_generator *g, uint8_t state[OZ_GENERATOR_STATE_BYTES]);
/* RuntimeError unless n == OZ_GENERATOR_STATE_BYTES. */
int oz_generator_set_state(oz_generator *g, const uint8_t *state, size_t n);

/* Reserves n consecutive blocks and returns the offset of the first: the (seed, offset) pair a
 * random kernel receives. Atomic, so threads sharing a generator never get the same blocks. */
uint64_t oz_generator_reserve(oz_generator *g, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif /* OZ_RANDOM_H */
