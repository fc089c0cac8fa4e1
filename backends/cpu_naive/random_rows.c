/* random_rows.c - samplers that look at whole rows: MULTINOMIAL and RANDPERM (ops/random.def).
 * Both are defined by sort orders of per-element random keys, so the result does not depend on
 * the algorithm: a parallel backend may sort on the device and still match these bit for bit. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "random_naive.h"
#include "random_philox.h"

/* ---- sort keys ---- */
typedef struct keyed_f {
  double key;
  int64_t index;
} keyed_f;
typedef struct keyed_u {
  uint64_t key;
  int64_t index;
} keyed_u;

static int cmp_keyed_f(const void *pa, const void *pb) {
  const keyed_f *a = pa, *b = pb;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}
static int cmp_keyed_u(const void *pa, const void *pb) {
  const keyed_u *a = pa, *b = pb;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

/* ---- MULTINOMIAL ---- */

static double weight(const oz_view *in, random_load_fn ld, int64_t d, int64_t c) {
  const size_t es = naive_dtype_size(in->dtype);
  return ld((const char *)in->data + (d * in->strides[0] + c * in->strides[1]) * (int64_t)es);
}

/* Every weight finite and >= 0, every row's sum > 0: checked before anything is written. */
static int check_rows(const oz_view *in, random_load_fn ld) {
  for (int64_t d = 0; d < in->shape[0]; d++) {
    double sum = 0.0;
    for (int64_t c = 0; c < in->shape[1]; c++) {
      const double x = weight(in, ld, d, c);
      if (!(x >= 0.0) || isinf(x))
        return NAIVE_FAIL(OZ_ERR_RUNTIME,
                          "probability tensor contains either `inf`, `nan` or element < 0");
      sum += x;
    }
    if (!(sum > 0.0))
      return NAIVE_FAIL(OZ_ERR_RUNTIME,
                        "invalid multinomial distribution (sum of probabilities <= 0)");
  }
  return OZ_OK;
}

/* Sample s of row d: the first category whose running sum exceeds u53 * total. */
static void rows_with_replacement(const oz_call *c, random_load_fn ld, double *cdf) {
  const oz_view *in = &c->in[0], *o = &c->out[0];
  const int64_t D = in->shape[0], C = in->shape[1], S = o->shape[1];
  const uint64_t seed = (uint64_t)c->ints[0], offset = (uint64_t)c->ints[1];
  for (int64_t d = 0; d < D; d++) {
    double run = 0.0;
    for (int64_t k = 0; k < C; k++) cdf[k] = run += weight(in, ld, d, k);
    for (int64_t s = 0; s < S; s++) {
      uint32_t b[4];
      naive_rng_block(seed, offset + (uint64_t)(d * S + s), b);
      const double u = naive_u53(b) * run;
      int64_t lo = 0, hi = C - 1;
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > u) hi = mid; else lo = mid + 1;
      }
      /* u rounded up to the total: take the last category with weight instead */
      while (cdf[lo] <= u && lo > 0 && cdf[lo] == cdf[lo - 1]) lo--;
      ((int64_t *)o->data)[d * o->strides[0] + s * o->strides[1]] = lo;
    }
  }
}

/* Is (key a, index ia) before (key b, index ib)? */
static int keyed_f_less(const keyed_f *a, const keyed_f *b) {
  return a->key < b->key || (a->key == b->key && a->index < b->index);
}

/* heap[0..n) is a max-heap in keyed_f_less's order; restores it below position i. */
static void sift_down(keyed_f *heap, int64_t n, int64_t i) {
  for (;;) {
    int64_t big = i, l = 2 * i + 1, r = l + 1;
    if (l < n && keyed_f_less(&heap[big], &heap[l])) big = l;
    if (r < n && keyed_f_less(&heap[big], &heap[r])) big = r;
    if (big == i) return;
    const keyed_f t = heap[i];
    heap[i] = heap[big], heap[big] = t;
    i = big;
  }
}

/* Row d's samples: the S smallest keys -log(v53) / w (an exponential race), kept in a bounded
 * max-heap of S entries, so one sample out of a large vocabulary costs O(C), not a sort. */
static void rows_without_replacement(const oz_call *c, random_load_fn ld, keyed_f *heap) {
  const oz_view *in = &c->in[0], *o = &c->out[0];
  const int64_t D = in->shape[0], C = in->shape[1], S = o->shape[1];
  const uint64_t seed = (uint64_t)c->ints[0], offset = (uint64_t)c->ints[1];
  for (int64_t d = 0; d < D; d++) {
    int64_t size = 0;
    for (int64_t k = 0; k < C; k++) {
      const double w = weight(in, ld, d, k);
      keyed_f e = {INFINITY, k};
      if (w > 0.0) {
        uint32_t b[4];
        naive_rng_block(seed, offset + (uint64_t)(d * C + k), b);
        e.key = -log(naive_v53(b)) / w;
      }
      if (size < S) { /* push: sift up */
        int64_t i = size++;
        heap[i] = e;
        while (i > 0 && keyed_f_less(&heap[(i - 1) / 2], &heap[i])) {
          const keyed_f t = heap[i];
          heap[i] = heap[(i - 1) / 2], heap[(i - 1) / 2] = t;
          i = (i - 1) / 2;
        }
      } else if (keyed_f_less(&e, &heap[0])) {
        heap[0] = e;
        sift_down(heap, size, 0);
      }
    }
    qsort(heap, (size_t)size, sizeof *heap, cmp_keyed_f);
    for (int64_t s = 0; s < S; s++)
      ((int64_t *)o->data)[d * o->strides[0] + s * o->strides[1]] = heap[s].index;
  }
}

int naive_multinomial(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = naive_check_call(c, 1, 1, 0);
  if (rc) return rc;
  const oz_view *in = &c->in[0], *o = &c->out[0];
  if (c->n_ints < 3 || in->ndim != 2 || o->ndim != 2 || o->dtype != OZ_INT64 ||
      o->shape[0] != in->shape[0])
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: multinomial takes weights [D, C], an int64 out [D, S] and 3 "
                      "ints (seed, offset, replacement)");
  const random_load_fn ld = random_load[in->dtype];
  if (!ld) return naive_unsupported(c, in->dtype);
  const bool replacement = c->ints[2] != 0;
  const int64_t C = in->shape[1], S = o->shape[1];
  if (!replacement && S > C)
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  if ((rc = check_rows(in, ld)) != OZ_OK) return rc;
  if (naive_numel(o) == 0) return OZ_OK;
  const size_t nbytes = replacement ? (size_t)C * sizeof(double) : (size_t)S * sizeof(keyed_f);
  void *scratch = naive_host->host_alloc(nbytes ? nbytes : 1);
  if (!scratch) return NAIVE_FAIL(OZ_ERR_NOMEM, "cpu_naive: multinomial: out of memory");
  if (replacement)
    rows_with_replacement(c, ld, scratch);
  else
    rows_without_replacement(c, ld, scratch);
  naive_host->host_free(scratch);
  return OZ_OK;
}

/* ---- RANDPERM: the stable argsort of n random 64-bit keys ----
 * The keys are uniform, so a counting sort by their top bits (monotone in the key) leaves
 * buckets of a few elements, which an insertion sort finishes: O(n) expected, and exactly the
 * order of a full sort by (key, index). Keys are recomputed from the stream instead of being
 * stored, which keeps the scratch to one index per element plus the bucket counts. */

static uint64_t perm_key(uint64_t seed, uint64_t offset, int64_t k) {
  uint32_t b[4];
  naive_rng_block(seed, offset + (uint64_t)k, b);
  return naive_r64(b);
}

int naive_randperm(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = naive_check_call(c, 0, 1, 0);
  if (rc) return rc;
  const oz_view *o = &c->out[0];
  if (c->n_ints < 2 || o->ndim != 1)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: randperm takes a 1-d out and 2 ints");
  const random_store_u64_fn store = random_store_u64[o->dtype];
  if (!store) return naive_unsupported(c, o->dtype);
  const int64_t n = o->shape[0];
  if (n == 0) return OZ_OK;
  const uint64_t seed = (uint64_t)c->ints[0], offset = (uint64_t)c->ints[1];
  int bits = 0; /* about 4 keys per bucket */
  while (bits < 62 && (INT64_C(1) << bits) < n / 4) bits++;
  const int64_t nb = INT64_C(1) << bits;
  int64_t *ends = naive_host->host_alloc((size_t)(nb + 1) * sizeof *ends);
  int64_t *order = naive_host->host_alloc((size_t)n * sizeof *order);
  if (!ends || !order) {
    naive_host->host_free(ends), naive_host->host_free(order);
    return NAIVE_FAIL(OZ_ERR_NOMEM, "cpu_naive: randperm: out of memory");
  }
#define BUCKET(key) (bits ? (int64_t)((key) >> (64 - bits)) : 0)
  for (int64_t b = 0; b <= nb; b++) ends[b] = 0;
  for (int64_t k = 0; k < n; k++) ends[BUCKET(perm_key(seed, offset, k)) + 1]++;
  for (int64_t b = 0; b < nb; b++) ends[b + 1] += ends[b]; /* ends[b]: start of bucket b */
  for (int64_t k = 0; k < n; k++) order[ends[BUCKET(perm_key(seed, offset, k))]++] = k;
#undef BUCKET
  /* now bucket b is order[ends[b - 1] .. ends[b]), indices ascending: sort each by key */
  keyed_u local[64];
  for (int64_t b = 0, lo = 0; b < nb; lo = ends[b++]) {
    const int64_t m = ends[b] - lo;
    if (m < 2) continue;
    keyed_u *e = m <= 64 ? local : naive_host->host_alloc((size_t)m * sizeof *e);
    if (!e) {
      naive_host->host_free(ends), naive_host->host_free(order);
      return NAIVE_FAIL(OZ_ERR_NOMEM, "cpu_naive: randperm: out of memory");
    }
    for (int64_t i = 0; i < m; i++)
      e[i] = (keyed_u){perm_key(seed, offset, order[lo + i]), order[lo + i]};
    qsort(e, (size_t)m, sizeof *e, cmp_keyed_u);
    for (int64_t i = 0; i < m; i++) order[lo + i] = e[i].index;
    if (e != local) naive_host->host_free(e);
  }
  const int64_t es = (int64_t)naive_dtype_size(o->dtype);
  for (int64_t i = 0; i < n; i++)
    store((char *)o->data + i * o->strides[0] * es, (uint64_t)order[i]);
  naive_host->host_free(ends), naive_host->host_free(order);
  return OZ_OK;
}
