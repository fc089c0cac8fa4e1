/* oz_half.h - float16 and bfloat16 <-> float32 in plain C (no _Float16 or __bf16), rounding to
 * nearest even as c10::Half and c10::BFloat16 do. Shared by the core, the Python bindings and any
 * backend that stores these types. */
#ifndef OZ_HALF_H
#define OZ_HALF_H

#include <stdint.h>
#include <string.h>

static inline float oz_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp == 0) { /* zero or subnormal: man * 2^-24 */
    float f = (float)man / 16777216.0f;
    return sign ? -f : f;
  } else {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static inline uint16_t oz_float_to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  uint32_t e = (x >> 23) & 0xffu, m = x & 0x7fffffu;
  if (e == 0xff)
    return sign | (m ? 0x7e00 : 0x7c00);
  int32_t he = (int32_t)e - 112; /* rebias 127 -> 15 */
  if (he >= 0x1f)
    return sign | 0x7c00;
  if (he <= 0) { /* subnormal half (or zero) */
    if (he < -10)
      return sign;
    m |= 0x800000u;
    uint32_t shift = (uint32_t)(14 - he), hm = m >> shift;
    uint32_t rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (hm & 1u)))
      hm++;
    return sign | (uint16_t)hm;
  }
  uint32_t hm = m >> 13, rem = m & 0x1fffu;
  uint16_t h = sign | (uint16_t)((uint32_t)he << 10) | (uint16_t)hm;
  if (rem > 0x1000u || (rem == 0x1000u && (hm & 1u)))
    h++; /* a carry moves into the exponent, up to infinity: still correct */
  return h;
}

static inline float oz_bf16_to_float(uint16_t h) {
  uint32_t bits = (uint32_t)h << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static inline uint16_t oz_float_to_bf16(float f) {
  uint32_t bits;
  memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return 0x7fc0;                       /* NaN */
  bits += 0x7fffu + ((bits >> 16) & 1u); /* round to nearest even */
  return (uint16_t)(bits >> 16);
}

#endif
