/* reductions_unique.c - torch.unique: the sorted distinct values of the flattened input, or the
 * sorted distinct slices along a dim, with the inverse indices and the counts.
 *
 * The output size depends on the data, and kernels never decide shapes, so it takes steps that
 * each have a known size: sort (SORT for values, LEXSORT_ROWS for slices seen as rows), number
 * the runs of equal rows (UNIQUE_GROUPS: g), read the number of distinct rows u = g[n-1] + 1, then
 * scatter (SCATTER_INTO_ZEROS): values[g] = sorted, inverse[order] = g, counts[g] += 1. */
#include "core/reductions_internal.h"

/* out = op(in) for the one-input, one-output row kernels; out is int64 with a row count of n. */
static oz_tensor *run_rows_kernel(int op, const oz_tensor *in) {
  int64_t n = in->shape[0];
  oz_tensor *out = oz_empty(1, &n, OZ_INT64, oz_tensor_device(in));
  if (!out) return NULL;
  oz_call call = oz_call_make(op);
  oz_call_in(&call, in);
  oz_call_out(&call, out);
  if (oz_dispatch_call(&call) != OZ_OK) {
    oz_tensor_decref(out);
    return NULL;
  }
  return out;
}

/* index (1-d, one per row) broadcast over the columns of `like` (1-d or 2-d rows). */
static oz_tensor *per_row(const oz_tensor *index, const oz_tensor *like) {
  if (like->ndim == 1) return (oz_tensor_incref((oz_tensor *)index), (oz_tensor *)index);
  int64_t column[2] = {index->shape[0], 1};
  oz_tensor *c = oz_reshape(index, 2, column);
  oz_tensor *e = c ? oz_expand(c, 2, like->shape) : NULL;
  oz_tensor_decref(c);
  return e;
}

/* rows[order] (rows reordered): out[inv[j]] = rows[j] where inv is order's inverse permutation,
 * itself inv[order[i]] = i. */
static oz_tensor *take_rows(const oz_tensor *rows, const oz_tensor *order) {
  int64_t n = rows->shape[0];
  oz_tensor *iota = oz_arange(0, (double)n, 1, true, OZ_INT64, oz_tensor_device(rows));
  oz_tensor *inv = iota ? oz_scatter_into_zeros(iota, order, 0, n, false) : NULL;
  oz_tensor *idx = inv ? per_row(inv, rows) : NULL;
  oz_tensor *r = idx ? oz_scatter_into_zeros(rows, idx, 0, n, false) : NULL;
  oz_tensor_decref(iota), oz_tensor_decref(inv), oz_tensor_decref(idx);
  return r;
}

/* The number of distinct rows: the last group id + 1 (read on the host). */
static int count_groups(const oz_tensor *groups, int64_t n, int64_t *u) {
  *u = 0;
  if (n == 0) return OZ_OK;
  oz_tensor *last = oz_select(groups, 0, n - 1);
  oz_tensor *host = last ? oz_operand_as(last, OZ_INT64, OZ_CPU) : NULL;
  double unused;
  int rc = host ? oz_read_element(host, 0, &unused, u) : oz_last_error_code();
  oz_tensor_decref(last), oz_tensor_decref(host);
  *u += 1;
  return rc;
}

/* From rows sorted ascending (1-d or 2-d) and the row numbers they came from: res[0] = the
 * distinct rows, res[1] = the inverse (when want_inverse), res[2] = the counts (when
 * want_counts). */
static int unique_sorted(const oz_tensor *sorted, const oz_tensor *order, bool want_inverse,
                         bool want_counts, oz_tensor **res) {
  int64_t n = sorted->shape[0], u = 0;
  oz_device device = oz_tensor_device(sorted);
  oz_tensor *g = run_rows_kernel(OZ_OP_UNIQUE_GROUPS, sorted), *gr = NULL, *ones = NULL;
  int rc = g ? count_groups(g, n, &u) : oz_last_error_code();
  if (rc == OZ_OK && (gr = per_row(g, sorted)))
    res[0] = oz_scatter_into_zeros(sorted, gr, 0, u, false);
  if (res[0] && want_inverse) res[1] = oz_scatter_into_zeros(g, order, 0, n, false);
  if (res[0] && want_counts && (ones = oz_full(1, &n, oz_make_scalar_i(1), OZ_INT64, device)))
    res[2] = oz_scatter_into_zeros(ones, g, 0, u, true);
  if (rc == OZ_OK && (!res[0] || (want_inverse && !res[1]) || (want_counts && !res[2])))
    rc = oz_last_error_code();
  oz_tensor_decref(g), oz_tensor_decref(gr), oz_tensor_decref(ones);
  return rc;
}

/* unique over the flattened input: SORT gives the sorted values and their order. */
static int unique_flat(const oz_tensor *a, bool want_inverse, bool want_counts, oz_tensor **res) {
  int64_t n = oz_numel(a);
  oz_tensor *flat = oz_reshape(a, 1, &n), *s = NULL, *p = NULL;
  bool was = oz_red_grad_off(); /* unique has no gradient: sort records nothing */
  int rc = flat ? oz_sort(flat, 0, false, NULL, NULL, &s, &p) : oz_last_error_code();
  oz_red_grad_restore(was);
  if (rc == OZ_OK) rc = unique_sorted(s, p, want_inverse, want_counts, res);
  if (rc == OZ_OK && res[1]) { /* the inverse has the input's shape */
    oz_tensor *shaped = oz_reshape(res[1], a->ndim, a->shape);
    oz_tensor_decref(res[1]);
    res[1] = shaped;
    if (!shaped) rc = oz_last_error_code();
  }
  oz_tensor_decref(flat), oz_tensor_decref(s), oz_tensor_decref(p);
  return rc;
}

/* unique along dim d: the slices a[.., i, ..] become the rows of an [n, m] matrix (dims 0 and d
 * swapped), LEXSORT_ROWS orders them, and the distinct rows go back to slices. */
static int unique_dim(const oz_tensor *a, int d, bool want_inverse, bool want_counts,
                      oz_tensor **res) {
  const int64_t n = a->shape[d], numel = oz_numel(a);
  oz_device device = oz_tensor_device(a);
  if (n == 0) { /* nothing to compare: an empty result of the input's shape */
    int64_t zero = 0;
    res[0] = oz_clone(a);
    if (want_inverse) res[1] = oz_empty(1, &zero, OZ_INT64, device);
    if (want_counts) res[2] = oz_empty(1, &zero, OZ_INT64, device);
    return res[0] && (!want_inverse || res[1]) && (!want_counts || res[2]) ? OZ_OK
                                                                           : oz_last_error_code();
  }
  if (numel == 0)
    return oz_set_error(OZ_ERR_RUNTIME, "There are 0 sized dimensions, and they aren't selected, "
                        "so unique cannot be applied");
  /* PyTorch 1.13 swaps dims 0 and d (not a move), which decides how ties are broken */
  int64_t perm[OZ_MAX_DIMS], moved_shape[OZ_MAX_DIMS];
  for (int e = 0; e < a->ndim; e++) perm[e] = e == 0 ? d : e == d ? 0 : e;
  for (int e = 0; e < a->ndim; e++) moved_shape[e] = a->shape[perm[e]];
  const int64_t rows_shape[2] = {n, numel / n};
  oz_tensor *moved = oz_permute(a, a->ndim, perm);
  oz_tensor *rows = moved ? oz_reshape(moved, 2, rows_shape) : NULL;
  oz_tensor *order = rows ? run_rows_kernel(OZ_OP_LEXSORT_ROWS, rows) : NULL;
  oz_tensor *sorted = order ? take_rows(rows, order) : NULL;
  int rc = sorted ? unique_sorted(sorted, order, want_inverse, want_counts, res)
                  : oz_last_error_code();
  if (rc == OZ_OK) { /* [u, m] rows back to slices along d */
    moved_shape[0] = res[0]->shape[0];
    oz_tensor *back = oz_reshape(res[0], a->ndim, moved_shape);
    oz_tensor *slices = back ? oz_permute(back, a->ndim, perm) : NULL; /* its own inverse */
    oz_tensor *dense = slices ? oz_contiguous(slices) : NULL;
    oz_tensor_decref(back), oz_tensor_decref(slices), oz_tensor_decref(res[0]);
    res[0] = dense;
    if (!dense) rc = oz_last_error_code();
  }
  oz_tensor_decref(moved), oz_tensor_decref(rows), oz_tensor_decref(order);
  oz_tensor_decref(sorted);
  return rc;
}

int oz_unique(const oz_tensor *a, const int64_t *dim, oz_tensor **values, oz_tensor **inverse,
              oz_tensor **counts) {
  *values = NULL;
  if (inverse) *inverse = NULL;
  if (counts) *counts = NULL;
  oz_tensor *res[3] = {NULL, NULL, NULL};
  int rc;
  if (!dim) {
    rc = unique_flat(a, inverse != NULL, counts != NULL, res);
  } else if (a->ndim == 0) {
    rc = oz_set_error(OZ_ERR_INDEX, "Dimension specified as %lld but tensor has no dimensions",
                      (long long)*dim);
  } else {
    int d = oz_wrap_dim(*dim, a->ndim);
    rc = d < 0 ? oz_last_error_code()
               : unique_dim(a, d, inverse != NULL, counts != NULL, res);
  }
  if (rc != OZ_OK) {
    for (int k = 0; k < 3; k++) oz_tensor_decref(res[k]);
    return rc;
  }
  *values = res[0];
  if (inverse) *inverse = res[1];
  if (counts) *counts = res[2];
  return OZ_OK;
}
