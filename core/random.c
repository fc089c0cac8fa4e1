/* random.c - generators (oz_random.h): seeding, state, the per-device defaults, and reserving
 * blocks of the counter-based stream for a kernel call. */
/* open/read/clock_gettime/getpid are POSIX, hidden by -std=c11 without this. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "core/oz_random.h"

#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/oz_error.h"

static const char *const device_type_names[OZ_NUM_DEVICE_TYPES] = {"cpu", "cuda"};

/* Default generators, set up on first use (a zeroed entry has device type -1 after init). */
static oz_generator defaults[OZ_NUM_DEVICE_TYPES][OZ_MAX_GENERATOR_DEVICES];
static int defaults_ready;

static void init_defaults(void) {
  if (defaults_ready) return;
  for (int t = 0; t < OZ_NUM_DEVICE_TYPES; t++)
    for (int i = 0; i < OZ_MAX_GENERATOR_DEVICES; i++)
      oz_generator_init(&defaults[t][i], (oz_device){t, i});
  defaults_ready = 1;
}

void oz_generator_init(oz_generator *g, oz_device device) {
  g->seed = OZ_DEFAULT_SEED;
  g->offset = 0;
  g->device = device;
}

oz_generator *oz_default_generator(oz_device device) {
  if (device.type < 0 || device.type >= OZ_NUM_DEVICE_TYPES || device.index < 0 ||
      device.index >= OZ_MAX_GENERATOR_DEVICES) {
    oz_set_error(OZ_ERR_RUNTIME, "no default generator for device type %d index %d",
                 (int)device.type, (int)device.index);
    return NULL;
  }
  init_defaults();
  return &defaults[device.type][device.index];
}

oz_generator *oz_resolve_generator(oz_generator *g, oz_device device) {
  if (!g) return oz_default_generator(device);
  if (g->device.type != device.type) {
    const int a = device.type, b = g->device.type;
    oz_set_error(OZ_ERR_RUNTIME, "Expected a '%s' device type for generator but found '%s'",
                 a >= 0 && a < OZ_NUM_DEVICE_TYPES ? device_type_names[a] : "?",
                 b >= 0 && b < OZ_NUM_DEVICE_TYPES ? device_type_names[b] : "?");
    return NULL;
  }
  return g;
}

void oz_generator_manual_seed(oz_generator *g, uint64_t seed) {
  g->seed = seed;
  __atomic_store_n(&g->offset, 0, __ATOMIC_RELAXED);
}

uint64_t oz_generator_initial_seed(const oz_generator *g) { return g->seed; }

void oz_manual_seed_all(uint64_t seed) {
  init_defaults();
  for (int t = 0; t < OZ_NUM_DEVICE_TYPES; t++)
    for (int i = 0; i < OZ_MAX_GENERATOR_DEVICES; i++)
      oz_generator_manual_seed(&defaults[t][i], seed);
}

/* splitmix64's finaliser: spreads the bits of a weak (time-based) seed. */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* 64 bits from /dev/urandom, or from the clock, the pid and an address when it can't be read. */
static uint64_t entropy64(void) {
  uint64_t v = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t got = read(fd, &v, sizeof v);
    close(fd);
    if (got == (ssize_t)sizeof v) return v;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return mix64((uint64_t)ts.tv_sec * UINT64_C(1000000007) ^ (uint64_t)ts.tv_nsec ^
               (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&v);
}

uint64_t oz_generator_seed(oz_generator *g) {
  uint64_t seed = entropy64();
  oz_generator_manual_seed(g, seed);
  return seed;
}

void oz_generator_get_state(const oz_generator *g, uint8_t state[OZ_GENERATOR_STATE_BYTES]) {
  const uint64_t words[2] = {g->seed, __atomic_load_n(&g->offset, __ATOMIC_RELAXED)};
  for (int w = 0; w < 2; w++)
    for (int b = 0; b < 8; b++) state[w * 8 + b] = (uint8_t)(words[w] >> (8 * b));
}

int oz_generator_set_state(oz_generator *g, const uint8_t *state, size_t n) {
  if (n != OZ_GENERATOR_STATE_BYTES)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Expected an RNG state of %d bytes (seed and offset, as get_state() "
                        "returns) but found the input RNG state size to be %zu",
                        OZ_GENERATOR_STATE_BYTES, n);
  uint64_t words[2] = {0, 0};
  for (int w = 0; w < 2; w++)
    for (int b = 0; b < 8; b++) words[w] |= (uint64_t)state[w * 8 + b] << (8 * b);
  g->seed = words[0];
  __atomic_store_n(&g->offset, words[1], __ATOMIC_RELAXED);
  return OZ_OK;
}

uint64_t oz_generator_reserve(oz_generator *g, uint64_t n) {
  return __atomic_fetch_add(&g->offset, n, __ATOMIC_RELAXED);
}
