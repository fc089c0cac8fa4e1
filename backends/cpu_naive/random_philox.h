/* random_philox.h - the counter-based generator behind every random op (ops/random.def):
 * Philox-4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11), and the fixed ways a block of its output becomes a number.
 *
 * Header-only and free of the core on purpose: a GPU backend copies these few lines (or
 * includes them from device code) and reproduces the CPU stream bit for bit. Checked against
 * Random123's known-answer vectors in tests/python/test_random_stream.py. */
#ifndef NAIVE_RANDOM_PHILOX_H
#define NAIVE_RANDOM_PHILOX_H

#include <math.h>
#include <stdint.h>

#define NAIVE_PHILOX_M0 0xD2511F53u
#define NAIVE_PHILOX_M1 0xCD9E8D57u
#define NAIVE_PHILOX_W0 0x9E3779B9u /* golden ratio */
#define NAIVE_PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

/* One Philox-4x32 block: 10 rounds over ctr with the key bumped between rounds. */
static inline void naive_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                                       uint32_t out[4]) {
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; round++) {
    if (round > 0) k0 += NAIVE_PHILOX_W0, k1 += NAIVE_PHILOX_W1;
    const uint64_t p0 = (uint64_t)NAIVE_PHILOX_M0 * c0, p1 = (uint64_t)NAIVE_PHILOX_M1 * c2;
    const uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    const uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

/* The block for stream position `index` of generator `seed` (the op's offset + k). */
static inline void naive_rng_block(uint64_t seed, uint64_t index, uint32_t w[4]) {
  const uint32_t ctr[4] = {(uint32_t)index, (uint32_t)(index >> 32), 0, 0};
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  naive_philox4x32_10(ctr, key, w);
}

/* ---- a block as numbers (the names ops/random.def uses) ---- */
static inline uint64_t naive_r64(const uint32_t w[4]) { return (uint64_t)w[0] << 32 | w[1]; }
static inline double naive_u24(const uint32_t w[4]) { return (double)(w[0] >> 8) * 0x1p-24; }
static inline double naive_u53(const uint32_t w[4]) {
  return (double)(naive_r64(w) >> 11) * 0x1p-53;
}
static inline double naive_v53(const uint32_t w[4]) {
  return ((double)(naive_r64(w) >> 11) + 0.5) * 0x1p-53;
}
static inline double naive_b53(const uint32_t w[4]) {
  return (double)(((uint64_t)w[2] << 32 | w[3]) >> 11) * 0x1p-53;
}
/* Box-Muller's cosine half: v53 > 0, so the log is finite. */
static inline double naive_gauss(const uint32_t w[4]) {
  return sqrt(-2.0 * log(naive_v53(w))) * cos(6.283185307179586476925 * naive_b53(w));
}

#endif /* NAIVE_RANDOM_PHILOX_H */
