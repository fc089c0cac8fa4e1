/* nn_gather.c - EMBEDDING and PAD (reflect / replicate / circular), and their backward ops.
 *
 * Both forward ops only move elements, so they work for every dtype by copying bytes; their
 * backward ops add gradients into the source positions (floating dtypes, an X-macro). PAD maps
 * every output index of a padded dim to an input index once per call (`pad_maps`), so the
 * element loop is a plain gather. */
#include <string.h>

#include "dtype_dispatch.h"
#include "nn_kernels.h"

/* ================================ embedding ================================ */

int naive_nn_embedding(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const oz_view *w = &call->in[0], *idx = &call->in[1], *out = &call->out[0];
  const int64_t V = w->ndim == 2 ? w->shape[0] : -1, D = w->ndim == 2 ? w->shape[1] : -1;
  if ((rc = naive_nn_check_shape(call, w, "weight", 2, (const int64_t[]){-1, -1})) ||
      (rc = naive_nn_check_contiguous(call, w, "weight")) ||
      (rc = naive_nn_check_shape(call, idx, "indices", 1, (const int64_t[]){-1})) ||
      (rc = naive_nn_check_dtype(call, idx, "indices", OZ_INT64)) ||
      (rc = naive_nn_check_shape(call, out, "output", 2, (const int64_t[]){idx->shape[0], D})) ||
      (rc = naive_nn_check_contiguous(call, out, "output")) ||
      (rc = naive_nn_check_dtype(call, out, "output", w->dtype)))
    return rc;
  const size_t row = (size_t)D * naive_dtype_size(w->dtype);
  const int64_t *ix = (const int64_t *)idx->data;
  for (int64_t k = 0; k < idx->shape[0]; k++) {
    const int64_t i = ix[k * idx->strides[0]];
    if (i < 0 || i >= V) return NAIVE_FAIL(OZ_ERR_INDEX, "index out of range in self");
    if (row)
      memcpy((char *)out->data + (size_t)k * row, (const char *)w->data + (size_t)i * row, row);
  }
  return OZ_OK;
}

#define DEFINE_EMBEDDING_BW(DT, SFX, T, W_, KIND)                                                \
  static void embedding_bw_##SFX(int64_t K, int64_t V, int64_t D, const void *g_,                \
                                 const int64_t *ix, int64_t six, int64_t pad, void *gw_) {       \
    const T *g = (const T *)g_;                                                                  \
    T *gw = (T *)gw_;                                                                            \
    for (int64_t i = 0; i < V * D; i++) gw[i] = 0;                                               \
    for (int64_t k = 0; k < K; k++) {                                                            \
      const int64_t i = ix[k * six];                                                             \
      if (i == pad || i < 0 || i >= V) continue;                                                 \
      for (int64_t d = 0; d < D; d++) gw[i * D + d] += g[k * D + d];                             \
    }                                                                                            \
  }
NAIVE_FLOATING_TYPES(DEFINE_EMBEDDING_BW)
typedef void (*embedding_bw_fn)(int64_t, int64_t, int64_t, const void *, const int64_t *,
                                int64_t, int64_t, void *);
#define EMB_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = embedding_bw_##SFX,
static const embedding_bw_fn embedding_bw_table[OZ_NUM_DTYPES] = {
    NAIVE_FLOATING_TYPES(EMB_BW_ENTRY)};

int naive_nn_embedding_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const oz_view *g = &call->in[0], *idx = &call->in[1], *gw = &call->out[0];
  if ((rc = naive_nn_check_shape(call, gw, "grad_weight", 2, (const int64_t[]){-1, -1})) ||
      (rc = naive_nn_check_contiguous(call, gw, "grad_weight")) ||
      (rc = naive_nn_check_dtype(call, gw, "grad_weight", g->dtype)) ||
      (rc = naive_nn_check_shape(call, idx, "indices", 1, (const int64_t[]){-1})) ||
      (rc = naive_nn_check_dtype(call, idx, "indices", OZ_INT64)) ||
      (rc = naive_nn_check_shape(call, g, "grad", 2,
                                 (const int64_t[]){idx->shape[0], gw->shape[1]})) ||
      (rc = naive_nn_check_contiguous(call, g, "grad")))
    return rc;
  const embedding_bw_fn fn = embedding_bw_table[g->dtype];
  if (!fn) return naive_unsupported(call, g->dtype);
  fn(idx->shape[0], gw->shape[0], gw->shape[1], g->data, (const int64_t *)idx->data,
     idx->strides[0], call->n_ints > 0 ? call->ints[0] : -1, gw->data);
  return OZ_OK;
}

/* ================================== pad ================================== */

/* Both tensors as [outer, d0, d1, d2]: the padded dims last, missing ones of size 1. */
typedef struct pad_geom {
  int64_t outer;
  int64_t in[3], out[3], before[3], after[3];
  int64_t *map[3]; /* map[d][i]: the input index output index i of dim d reads */
} pad_geom;

/* The input index that output index i of a padded dim reads: `before` and `after` are that dim's
 * padding (negative crops), n its input size. Reflect and replicate index relative to the whole
 * input; circular wraps around what is left after cropping, as PyTorch's _pad_circular does. */
static int64_t pad_source(int mode, int64_t i, int64_t before, int64_t after, int64_t n) {
  if (mode == 2) {
    const int64_t lo = before < 0 ? -before : 0, hi = after < 0 ? -after : 0;
    const int64_t kept = n - lo - hi, j = i - (before > 0 ? before : 0);
    if (kept <= 0) return 0; /* nothing left to wrap (the core refuses this) */
    return lo + ((j % kept) + kept) % kept;
  }
  i -= before;
  if (mode == 1) return i < 0 ? 0 : i >= n ? n - 1 : i; /* replicate */
  if (i < 0) i = -i; /* reflect: the edge is not repeated */
  if (i >= n) i = 2 * (n - 1) - i;
  return i;
}

/* Reads the geometry of `small` (the unpadded tensor) and `big`, builds the index maps (freed
 * with pad_free). */
static int pad_geometry(const oz_call *call, const oz_view *small, const oz_view *big,
                        pad_geom *g) {
  memset(g, 0, sizeof *g);
  int rc;
  if ((rc = naive_nn_check_contiguous(call, small, "input")) ||
      (rc = naive_nn_check_contiguous(call, big, "output")))
    return rc;
  const int p = call->n_ints >= 2 ? (int)call->ints[1] : 0;
  const int mode = call->n_ints >= 1 ? (int)call->ints[0] : -1;
  if (p < 1 || p > 3 || p > small->ndim || call->n_ints < 2 + 2 * p || mode < 0 || mode > 2 ||
      small->ndim != big->ndim)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: pad: bad arguments (mode %d, %d padded dims)",
                      mode, p);
  const int lead = small->ndim - p;
  g->outer = 1;
  for (int d = 0; d < lead; d++) {
    if (small->shape[d] != big->shape[d])
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: pad: unpadded dims differ");
    g->outer *= small->shape[d];
  }
  for (int d = 0; d < 3; d++) {
    const int src = d - (3 - p); /* which padded dim this is, < 0 for the fillers */
    g->in[d] = src >= 0 ? small->shape[lead + src] : 1;
    g->out[d] = src >= 0 ? big->shape[lead + src] : 1;
    g->before[d] = src >= 0 ? call->ints[2 + 2 * src] : 0;
    g->after[d] = src >= 0 ? call->ints[3 + 2 * src] : 0;
    if (g->in[d] + g->before[d] + g->after[d] != g->out[d] || (g->in[d] == 0 && g->out[d] > 0))
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: pad: output size disagrees with the padding");
  }
  for (int d = 0; d < 3; d++) {
    g->map[d] = naive_nn_scratch(call, g->out[d], sizeof(int64_t));
    if (!g->map[d]) return OZ_ERR_NOMEM;
    for (int64_t i = 0; i < g->out[d]; i++)
      g->map[d][i] = pad_source(mode, i, g->before[d], g->after[d], g->in[d]);
  }
  return OZ_OK;
}

static void pad_free(pad_geom *g) {
  for (int d = 0; d < 3; d++)
    if (g->map[d]) naive_host->host_free(g->map[d]);
}

int naive_nn_pad(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const oz_view *x = &call->in[0], *y = &call->out[0];
  if ((rc = naive_nn_check_dtype(call, y, "output", x->dtype))) return rc;
  pad_geom g;
  if ((rc = pad_geometry(call, x, y, &g))) {
    pad_free(&g);
    return rc;
  }
  const size_t es = naive_dtype_size(x->dtype);
  const char *src = (const char *)x->data;
  char *dst = (char *)y->data;
  for (int64_t b = 0; b < g.outer; b++)
    for (int64_t i0 = 0; i0 < g.out[0]; i0++)
      for (int64_t i1 = 0; i1 < g.out[1]; i1++) {
        const char *srow = src + (size_t)(((b * g.in[0] + g.map[0][i0]) * g.in[1] + g.map[1][i1]) *
                                          g.in[2]) * es;
        for (int64_t i2 = 0; i2 < g.out[2]; i2++, dst += es)
          memcpy(dst, srow + (size_t)g.map[2][i2] * es, es);
      }
  pad_free(&g);
  return OZ_OK;
}

#define DEFINE_PAD_BW(DT, SFX, T, W_, KIND)                                                      \
  static void pad_bw_##SFX(const pad_geom *g, const void *gy_, void *gx_) {                      \
    const T *gy = (const T *)gy_;                                                                \
    T *gx = (T *)gx_;                                                                            \
    for (int64_t i = 0; i < g->outer * g->in[0] * g->in[1] * g->in[2]; i++) gx[i] = 0;           \
    for (int64_t b = 0; b < g->outer; b++)                                                       \
      for (int64_t i0 = 0; i0 < g->out[0]; i0++)                                                 \
        for (int64_t i1 = 0; i1 < g->out[1]; i1++) {                                             \
          T *row = gx + ((b * g->in[0] + g->map[0][i0]) * g->in[1] + g->map[1][i1]) * g->in[2];  \
          for (int64_t i2 = 0; i2 < g->out[2]; i2++) row[g->map[2][i2]] += *gy++;                \
        }                                                                                        \
  }
NAIVE_FLOATING_TYPES(DEFINE_PAD_BW)
typedef void (*pad_bw_fn)(const pad_geom *, const void *, void *);
#define PAD_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = pad_bw_##SFX,
static const pad_bw_fn pad_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(PAD_BW_ENTRY)};

int naive_nn_pad_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const oz_view *gy = &call->in[0], *gx = &call->out[0];
  if ((rc = naive_nn_check_dtype(call, gx, "grad_input", gy->dtype))) return rc;
  const pad_bw_fn fn = pad_bw_table[gy->dtype];
  if (!fn) return naive_unsupported(call, gy->dtype);
  pad_geom g;
  if (!(rc = pad_geometry(call, gx, gy, &g))) fn(&g, gy->data, gx->data);
  pad_free(&g);
  return rc;
}
