/* reduce_walk.c - compute-type loads/stores and the two walks of reduce_walk.h. */
#include "reduce_walk.h"

#include <inttypes.h>

#include "dtype_dispatch.h"

/* ---- compute types: double for FLT, int64_t for INT and BOOL ---- */
#define RED_CT_FLT double
#define RED_CT_INT int64_t
#define RED_CT_BOOL int64_t
#define RED_LOAD_FLT(x) ((double)(x))
#define RED_LOAD_INT(x) ((int64_t)(x))
#define RED_LOAD_BOOL(x) ((int64_t)((x) != 0))
/* A compute-type value back to its own dtype's kind: the one cast rule per kind. */
#define RED_BACK_FLT(T, SFX, v) NAIVE_CONVERT(FLT, FLT, T, SFX, v)
#define RED_BACK_INT(T, SFX, v) NAIVE_CONVERT(INT, INT, T, SFX, v)
#define RED_BACK_BOOL(T, SFX, v) NAIVE_CONVERT(INT, BOOL, T, SFX, v)

#define DEFINE_LOAD_STORE(DT, SFX, T, W, KIND)                                                   \
  static void load_##SFX(const char *src, int64_t step, int64_t n, void *dst) {                  \
    const T *s = (const T *)src;                                                                 \
    RED_CT_##KIND *d = (RED_CT_##KIND *)dst;                                                     \
    for (int64_t i = 0; i < n; i++) d[i] = RED_LOAD_##KIND(s[i * step]);                         \
  }                                                                                              \
  static void store_##SFX(const void *src, char *dst, int64_t step, int64_t n) {                 \
    const RED_CT_##KIND *s = (const RED_CT_##KIND *)src;                                         \
    T *d = (T *)dst;                                                                             \
    for (int64_t i = 0; i < n; i++) d[i * step] = RED_BACK_##KIND(T, SFX, s[i]);                 \
  }                                                                                              \
  static void store1_i64_##SFX(char *dst, int64_t v) {                                           \
    *(T *)dst = NAIVE_CONVERT(INT, KIND, T, SFX, v);                                             \
  }                                                                                              \
  static void store1_f64_##SFX(char *dst, double v) {                                            \
    *(T *)dst = NAIVE_CONVERT(FLT, KIND, T, SFX, v);                                             \
  }
NAIVE_ALL_TYPES(DEFINE_LOAD_STORE)

#define LOAD_ENTRY(DT, SFX, T, W, KIND) [DT] = load_##SFX,
#define STORE_ENTRY(DT, SFX, T, W, KIND) [DT] = store_##SFX,
#define STORE1_I64_ENTRY(DT, SFX, T, W, KIND) [DT] = store1_i64_##SFX,
#define STORE1_F64_ENTRY(DT, SFX, T, W, KIND) [DT] = store1_f64_##SFX,
const red_load_fn red_load[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(LOAD_ENTRY)};
const red_store_fn red_store[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(STORE_ENTRY)};
static void (*const store1_i64[OZ_NUM_DTYPES])(char *, int64_t) = {
    NAIVE_ALL_TYPES(STORE1_I64_ENTRY)};
static void (*const store1_f64[OZ_NUM_DTYPES])(char *, double) = {
    NAIVE_ALL_TYPES(STORE1_F64_ENTRY)};

bool red_is_float(int dtype) { return dtype == OZ_FLOAT32 || dtype == OZ_FLOAT64; }
void red_store_i64(int dtype, char *dst, int64_t v) { store1_i64[dtype](dst, v); }
void red_store_f64(int dtype, char *dst, double v) { store1_f64[dtype](dst, v); }

void *red_scratch(const oz_call *call, int64_t n) {
  size_t bytes = (size_t)(n > 0 ? n : 1) * RED_CSIZE;
  void *p = naive_host->host_alloc(bytes);
  if (!p)
    naive_host->set_error(OZ_ERR_NOMEM, "cpu_naive: %s: out of memory for %zu bytes of scratch",
                          naive_host->op_name(call->op), bytes);
  return p;
}
void red_scratch_free(void *p) { naive_host->host_free(p); }

/* ---- keepdim-form reductions ---- */

int red_walk_init(red_walk *w, const oz_call *call, int n_out) {
  int rc = naive_check_call(call, 1, n_out, 0);
  if (rc) return rc;
  const oz_view *in = &call->in[0];
  const char *op = naive_host->op_name(call->op);
  for (int k = 0; k < n_out; k++) {
    const oz_view *o = &call->out[k];
    int ok = o->ndim == in->ndim;
    for (int d = 0; ok && d < in->ndim; d++) ok = o->shape[d] == call->out[0].shape[d];
    if (!ok)
      return NAIVE_FAIL(OZ_ERR_RUNTIME,
                        "cpu_naive: %s: out[%d] must have in[0]'s ndim and out[0]'s shape "
                        "(keepdim form)",
                        op, k);
  }
  const oz_view *out = &call->out[0];
  int64_t kept_shape[OZ_MAX_DIMS], kept_strides[NAIVE_ITER_MAX_OPS][OZ_MAX_DIMS];
  int64_t red_shape[OZ_MAX_DIMS], red_strides[1][OZ_MAX_DIMS];
  int n_kept = 0, n_red = 0;
  w->extent = 1;
  for (int d = 0; d < in->ndim; d++) {
    if (out->shape[d] == in->shape[d]) {
      kept_shape[n_kept] = in->shape[d];
      for (int k = 0; k < n_out; k++) kept_strides[k][n_kept] = call->out[k].strides[d];
      kept_strides[n_out][n_kept] = in->strides[d];
      n_kept++;
    } else if (out->shape[d] == 1) {
      red_shape[n_red] = in->shape[d];
      red_strides[0][n_red] = in->strides[d];
      w->extent *= in->shape[d];
      n_red++;
    } else {
      return NAIVE_FAIL(OZ_ERR_RUNTIME,
                        "cpu_naive: %s: out[0] has size %" PRId64 " in dim %d where in[0] has %"
                        PRId64 " (must be equal, or 1 where the dim is reduced)",
                        op, out->shape[d], d, in->shape[d]);
    }
  }
  w->n_out = n_out;
  w->in_dtype = in->dtype;
  char *data[NAIVE_ITER_MAX_OPS];
  for (int k = 0; k < n_out; k++) {
    w->elsize[k] = (int64_t)naive_dtype_size(call->out[k].dtype);
    data[k] = (char *)call->out[k].data;
  }
  w->elsize[n_out] = (int64_t)naive_dtype_size(in->dtype);
  data[n_out] = (char *)in->data;
  naive_iter_init_raw(&w->kept, n_out + 1, n_kept, kept_shape,
                      (const int64_t(*)[OZ_MAX_DIMS])kept_strides, w->elsize, data);
  naive_iter_init_raw(&w->reduced, 1, n_red, red_shape,
                      (const int64_t(*)[OZ_MAX_DIMS])red_strides, &w->elsize[n_out], &data[n_out]);
  return OZ_OK;
}

int red_walk_run(red_walk *w, const oz_call *call, red_fold_fn fold) {
  char *buf = red_scratch(call, w->extent);
  if (!buf) return OZ_ERR_NOMEM;
  const red_load_fn load = red_load[w->in_dtype];
  const int n_out = w->n_out;
  while (naive_iter_next(&w->kept)) {
    for (int64_t i = 0; i < w->kept.n; i++) {
      char *outs[OZ_MAX_OUTPUTS];
      for (int k = 0; k < n_out; k++) outs[k] = w->kept.row[k] + i * w->kept.step[k] * w->elsize[k];
      char *first = w->kept.row[n_out] + i * w->kept.step[n_out] * w->elsize[n_out];
      int64_t n = 0;
      naive_iter_rewind(&w->reduced, &first);
      while (naive_iter_next(&w->reduced)) {
        load(w->reduced.row[0], w->reduced.step[0], w->reduced.n, buf + n * RED_CSIZE);
        n += w->reduced.n;
      }
      fold(buf, n, outs, call);
    }
  }
  red_scratch_free(buf);
  return OZ_OK;
}

/* ---- lines along one dim ---- */

int line_walk_init(line_walk *w, const oz_call *call, int nops, const oz_view *const *views,
                   int64_t dim) {
  const int ndim = views[0]->ndim;
  if (ndim == 0 ? dim != 0 : (dim < 0 || dim >= ndim))
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: dim %" PRId64 " is out of range for %d-d "
                      "operands", naive_host->op_name(call->op), dim, ndim);
  int64_t shape[OZ_MAX_DIMS], strides[NAIVE_ITER_MAX_OPS][OZ_MAX_DIMS];
  char *data[NAIVE_ITER_MAX_OPS];
  int n = 0;
  for (int d = 0; d < ndim; d++) {
    if (d == dim) continue;
    shape[n] = views[0]->shape[d];
    for (int k = 0; k < nops; k++) {
      if (views[k]->ndim != ndim || views[k]->shape[d] != shape[n])
        return NAIVE_FAIL(OZ_ERR_RUNTIME,
                          "cpu_naive: %s: operands must have the same shape except along dim "
                          "%" PRId64, naive_host->op_name(call->op), dim);
      strides[k][n] = views[k]->strides[d];
    }
    n++;
  }
  w->nops = nops;
  for (int k = 0; k < nops; k++) {
    w->len[k] = ndim ? views[k]->shape[dim] : 1;
    w->stride[k] = ndim ? views[k]->strides[dim] : 1;
    w->elsize[k] = (int64_t)naive_dtype_size(views[k]->dtype);
    data[k] = (char *)views[k]->data;
  }
  naive_iter_init_raw(&w->outer, nops, n, shape, (const int64_t(*)[OZ_MAX_DIMS])strides,
                      w->elsize, data);
  return OZ_OK;
}
