/* reduce_sort.c - SORT (stable, NaN above everything, along a dim), and for unique:
 * LEXSORT_ROWS and UNIQUE_GROUPS.
 *
 * A line is loaded into a buffer of the compute type (double or int64, see reduce_walk.h) next
 * to its positions 0..n-1, and the (value, position) pairs are merge-sorted: stable, O(n log n)
 * in the worst case, no recursion. Runs of RUN elements are insertion-sorted first, then merged
 * bottom-up. NaNs are moved aside first (a stable partition: after the numbers ascending, before
 * them descending), so the comparisons are plain < and >. PyTorch 1.13's sort is stable when
 * asked (stable=True); its default order of equal elements is unspecified, so stable is right
 * for both. */
#include <math.h>
#include <string.h>

#include "reduce_walk.h"

#define RUN 16

/* Sorts key[0..n) stably by LESS (strict), carrying idx along; tk/ti hold n each. */
#define DEFINE_SORT(NAME, CT, LESS)                                                              \
  static void NAME(CT *key, int64_t *idx, CT *tk, int64_t *ti, int64_t n) {                      \
    for (int64_t lo = 0; lo < n; lo += RUN) { /* insertion sort: shift past greater only */      \
      int64_t hi = lo + RUN < n ? lo + RUN : n;                                                  \
      for (int64_t i = lo + 1; i < hi; i++) {                                                    \
        CT k = key[i];                                                                           \
        int64_t x = idx[i], j = i;                                                               \
        for (; j > lo && LESS(k, key[j - 1]); j--) key[j] = key[j - 1], idx[j] = idx[j - 1];     \
        key[j] = k, idx[j] = x;                                                                  \
      }                                                                                          \
    }                                                                                            \
    CT *sk = key, *dk = tk;                                                                      \
    int64_t *si = idx, *di = ti;                                                                 \
    for (int64_t width = RUN; width < n; width *= 2) {                                           \
      for (int64_t lo = 0; lo < n; lo += 2 * width) {                                            \
        int64_t mid = lo + width < n ? lo + width : n;                                           \
        int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;                                    \
        int64_t i = lo, j = mid, k = lo;                                                         \
        for (; i < mid && j < hi; k++) { /* the right one only when strictly before */           \
          if (LESS(sk[j], sk[i]))                                                                \
            dk[k] = sk[j], di[k] = si[j++];                                                      \
          else                                                                                   \
            dk[k] = sk[i], di[k] = si[i++];                                                      \
        }                                                                                        \
        for (; i < mid; k++) dk[k] = sk[i], di[k] = si[i++];                                     \
        for (; j < hi; k++) dk[k] = sk[j], di[k] = si[j++];                                      \
      }                                                                                          \
      CT *t = sk;                                                                                \
      sk = dk, dk = t;                                                                           \
      int64_t *u = si;                                                                           \
      si = di, di = u;                                                                           \
    }                                                                                            \
    if (sk != key) {                                                                             \
      memcpy(key, sk, (size_t)n * sizeof *key);                                                  \
      memcpy(idx, si, (size_t)n * sizeof *idx);                                                  \
    }                                                                                            \
  }
#define LESS_ASC(a, b) ((a) < (b))
#define LESS_DESC(a, b) ((a) > (b))
DEFINE_SORT(sort_f_asc, double, LESS_ASC)
DEFINE_SORT(sort_f_desc, double, LESS_DESC)
DEFINE_SORT(sort_i_asc, int64_t, LESS_ASC)
DEFINE_SORT(sort_i_desc, int64_t, LESS_DESC)

/* Moves the NaNs of key[0..n) (with their idx) to the end, or to the front when nan_first,
 * keeping the order within both groups; returns how many there are. tk/ti hold n each. */
static int64_t partition_nan(double *key, int64_t *idx, double *tk, int64_t *ti, int64_t n,
                             bool nan_first) {
  int64_t nans = 0;
  for (int64_t j = 0; j < n; j++) nans += isnan(key[j]);
  if (nans == 0) return 0;
  int64_t num_at = nan_first ? nans : 0, nan_at = nan_first ? 0 : n - nans;
  for (int64_t j = 0; j < n; j++) {
    int64_t *at = isnan(key[j]) ? &nan_at : &num_at;
    tk[*at] = key[j], ti[*at] = idx[j];
    ++*at;
  }
  memcpy(key, tk, (size_t)n * sizeof *key);
  memcpy(idx, ti, (size_t)n * sizeof *idx);
  return nans;
}

/* Sorts one loaded line (keys in the compute type) with its positions. */
static void sort_line(char *key, int64_t *idx, char *tk, int64_t *ti, int64_t n, bool f,
                      bool desc) {
  if (!f) {
    (desc ? sort_i_desc : sort_i_asc)((int64_t *)key, idx, (int64_t *)tk, ti, n);
    return;
  }
  double *k = (double *)key;
  int64_t nans = partition_nan(k, idx, (double *)tk, ti, n, desc);
  int64_t off = desc ? nans : 0; /* the numbers: after the NaNs descending, before ascending */
  (desc ? sort_f_desc : sort_f_asc)(k + off, idx + off, (double *)tk, ti, n - nans);
}

int naive_sort(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 2, 0);
  if (rc) return rc;
  const oz_view *in = &call->in[0];
  const int dtype = in->dtype;
  if (call->out[0].dtype != dtype || call->out[1].dtype != OZ_INT64)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: sort writes (%s, int64)",
                      naive_host->dtype_name(dtype));
  line_walk w;
  rc = line_walk_init(&w, call, 3, (const oz_view *[]){&call->out[0], &call->out[1], in},
                      call->n_ints > 0 ? call->ints[0] : -1);
  if (rc) return rc;
  const int64_t n = w.len[2];
  if (w.len[0] != n || w.len[1] != n)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: sort's outputs have in[0]'s shape");
  const bool desc = call->n_ints > 1 && call->ints[1] == 1, f = red_is_float(dtype);
  char *scratch = red_scratch(call, 4 * n);
  if (!scratch) return OZ_ERR_NOMEM;
  char *key = scratch, *tk = scratch + n * RED_CSIZE;
  int64_t *idx = (int64_t *)(scratch + 2 * n * RED_CSIZE), *ti = idx + n;
  LINE_WALK_FOR(w, line, {
    red_load[dtype](line[2], w.stride[2], n, key);
    for (int64_t j = 0; j < n; j++) idx[j] = j;
    sort_line(key, idx, tk, ti, n, f, desc);
    red_store[dtype](key, line[0], w.stride[0], n);
    red_store[OZ_INT64](idx, line[1], w.stride[1], n);
  })
  red_scratch_free(scratch);
  return OZ_OK;
}

/* ---- rows: LEXSORT_ROWS and UNIQUE_GROUPS see a 1-d input as n rows of one element ---- */

typedef struct rows {
  char *buf; /* n * m values of the compute type, row after row */
  int64_t n, m;
  bool f; /* double (else int64) */
} rows;

/* Loads in[0] (1-d, or 2-d rows) into r; OZ_OK or an error (reported). */
static int rows_load(const oz_call *call, rows *r) {
  const oz_view *in = &call->in[0];
  if (in->ndim != 1 && in->ndim != 2)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s takes a 1-d or 2-d input",
                      naive_host->op_name(call->op));
  r->n = in->shape[0];
  r->m = in->ndim == 2 ? in->shape[1] : 1;
  r->f = red_is_float(in->dtype);
  r->buf = red_scratch(call, r->n * r->m);
  if (!r->buf) return OZ_ERR_NOMEM;
  const int64_t es = (int64_t)naive_dtype_size(in->dtype);
  const int64_t col = in->ndim == 2 ? in->strides[1] : 1;
  for (int64_t i = 0; i < r->n; i++)
    red_load[in->dtype]((const char *)in->data + i * in->strides[0] * es, col, r->m,
                        r->buf + i * r->m * RED_CSIZE);
  return OZ_OK;
}

/* Orders rows a and b lexicographically (<0, 0, >0), NaN above every number and equal to NaN. */
static int rows_cmp(const rows *r, int64_t a, int64_t b) {
  const double *fa = (const double *)r->buf + a * r->m, *fb = (const double *)r->buf + b * r->m;
  const int64_t *ia = (const int64_t *)r->buf + a * r->m, *ib = (const int64_t *)r->buf + b * r->m;
  for (int64_t j = 0; j < r->m; j++) {
    if (!r->f) {
      if (ia[j] != ib[j]) return ia[j] < ib[j] ? -1 : 1;
    } else if (isnan(fa[j]) || isnan(fb[j])) {
      if (isnan(fa[j]) != isnan(fb[j])) return isnan(fa[j]) ? 1 : -1;
    } else if (fa[j] != fb[j]) {
      return fa[j] < fb[j] ? -1 : 1;
    }
  }
  return 0;
}

/* Row a differs from row b in some element (NaN differs from everything, as x != x). */
static bool rows_differ(const rows *r, int64_t a, int64_t b) {
  const double *fa = (const double *)r->buf + a * r->m, *fb = (const double *)r->buf + b * r->m;
  const int64_t *ia = (const int64_t *)r->buf + a * r->m, *ib = (const int64_t *)r->buf + b * r->m;
  for (int64_t j = 0; j < r->m; j++)
    if (r->f ? fa[j] != fb[j] : ia[j] != ib[j]) return true;
  return false;
}

/* LEXSORT_ROWS: a stable bottom-up merge sort of the row numbers. */
int naive_lexsort_rows(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const oz_view *out = &call->out[0];
  rows r;
  if (out->ndim != 1 || out->dtype != OZ_INT64 || call->in[0].ndim < 1 ||
      out->shape[0] != call->in[0].shape[0])
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: lexsort_rows writes int64 of the row count");
  if ((rc = rows_load(call, &r))) return rc;
  int64_t n = r.n, *idx = red_scratch(call, 2 * n);
  if (!idx) {
    red_scratch_free(r.buf);
    return OZ_ERR_NOMEM;
  }
  int64_t *src = idx, *dst = idx + n;
  for (int64_t i = 0; i < n; i++) src[i] = i;
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = rows_cmp(&r, src[j], src[i]) < 0 ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int64_t *t = src;
    src = dst, dst = t;
  }
  red_store[OZ_INT64](src, out->data, out->strides[0], n);
  red_scratch_free(idx);
  red_scratch_free(r.buf);
  return OZ_OK;
}

/* UNIQUE_GROUPS: g[i] = g[i-1] + (row i != row i-1) over sorted rows. */
int naive_unique_groups(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const oz_view *out = &call->out[0];
  if (out->ndim != 1 || out->dtype != OZ_INT64 || call->in[0].ndim < 1 ||
      out->shape[0] != call->in[0].shape[0])
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: unique_groups writes int64 of the row count");
  rows r;
  if ((rc = rows_load(call, &r))) return rc;
  int64_t *g = (int64_t *)out->data, s = out->strides[0], group = 0;
  for (int64_t i = 0; i < r.n; i++) {
    group += i > 0 && rows_differ(&r, i, i - 1);
    g[i * s] = group;
  }
  red_scratch_free(r.buf);
  return OZ_OK;
}
