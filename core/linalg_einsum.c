/* linalg_einsum.c - contractions built from the products: einsum, tensordot, inner, trace.
 *
 * Everything here composes autograd-recording ops (views from oz_views_grad.h, oz_sum, oz_mul,
 * oz_bmm, oz_mm), so gradients need no formulas of their own and grad_fn names come out as
 * PyTorch's composites give them (ViewBackward0, MulBackward0, ...). The one view the core lacks,
 * a diagonal, is recorded here (DiagonalBackward0).
 *
 * einsum follows PyTorch's algorithm so that results, dtypes and errors agree: parse the labels,
 * align every operand to one dim order (output dims first, then contracted ones; diagonals for
 * repeated labels, size-1 dims for missing ones), then contract left to right, summing a dim as
 * soon as no later operand has it and multiplying pairs with bmm (or mul when nothing is
 * summed). Aligned operands are limited to OZ_MAX_DIMS dims (distinct labels + ellipsis dims). */
#include <ctype.h>
#include <stdio.h>

#include "core/linalg_internal.h"

/* ============================== diagonal view ============================== */

/* The view of t where dim d1 is folded onto d0 (t[.., i, .., i, ..] for each i): dim d1 is gone
 * and d0 steps along the diagonal, as long as the shorter of the two dims. */
static oz_tensor *diagonal_view(const oz_tensor *t, int d0, int d1) {
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  int k = 0;
  for (int d = 0; d < t->ndim; d++) {
    if (d == d1) continue;
    shape[k] = d == d0 && t->shape[d1] < t->shape[d] ? t->shape[d1] : t->shape[d];
    strides[k++] = t->strides[d] + (d == d0 ? t->strides[d1] : 0);
  }
  return oz_as_strided(t, k, shape, strides, t->offset);
}

/* The gradient lands on the diagonal of a zero tensor of the input's shape. (Not recorded: a
 * double backward through an einsum diagonal gets no second-order term.) */
static int diagonal_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const oz_input_meta *im = &n->in_meta[0];
  oz_tensor *z = oz_full(im->ndim, im->shape, oz_make_scalar_i(0), g[0]->dtype, im->device);
  oz_tensor *part = z ? diagonal_view(z, (int)n->ints[0], (int)n->ints[1]) : NULL;
  int rc = part ? oz_copy_(part, g[0]) : oz_last_error_code();
  oz_tensor_decref(part);
  if (rc != OZ_OK) return oz_tensor_decref(z), rc;
  gin[0] = z;
  return OZ_OK;
}

static oz_tensor *diagonal_ad(const oz_tensor *t, int d0, int d1) {
  oz_tensor *v = diagonal_view(t, d0, d1);
  if (!v || !oz_autograd_wanted1(t)) return v;
  oz_node *n = oz_node_new("DiagonalBackward0", diagonal_backward, 1, 1);
  if (!n || oz_node_set_input(n, 0, t) != OZ_OK) {
    oz_node_decref(n);
    return oz_tensor_decref(v), NULL;
  }
  n->ints[0] = d0, n->ints[1] = d1, n->n_ints = 2;
  if (oz_node_attach(n, &v, 1) != OZ_OK) return oz_tensor_decref(v), NULL;
  oz_mark_view(v, t);
  return v;
}

/* Sum over dims, keeping them as size 1; new reference. */
static oz_tensor *sum_keep(const oz_tensor *t, const int64_t *dims, int n) {
  return oz_sum(t, dims, n, true, -1, NULL);
}

/* ============================== sumproduct_pair ============================== */

/* (left * right).sum(sum_dims, keepdim=True) for two operands of the same ndim whose dims
 * broadcast, by permuting both to bmm's [batch, rows, sum] @ [batch, sum, cols]. Dims in both
 * and kept are the batch ("lro"), dims only in left (right) are rows "lo" (cols "ro"); a summed
 * dim only one side has is summed on that side first. */
static oz_tensor *sumproduct_pair(const oz_tensor *left_in, const oz_tensor *right_in,
                                  const bool *is_sum, int n_sum) {
  if (n_sum == 0) return oz_mul(left_in, right_in, NULL);
  const int nd = left_in->ndim;
  oz_tensor *left = oz_ad_alias(left_in), *right = oz_ad_alias(right_in), *result = NULL;
  oz_tensor *lp = NULL, *rp = NULL, *l3 = NULL, *r3 = NULL, *p = NULL, *pv = NULL;
  int64_t lro[OZ_MAX_DIMS], lo[OZ_MAX_DIMS], ro[OZ_MAX_DIMS], sums[OZ_MAX_DIMS];
  int n_lro = 0, n_lo = 0, n_ro = 0, n_s = 0;
  int64_t lro_size = 1, lo_size = 1, ro_size = 1, sum_size = 1;
  if (!left || !right) goto done;
  for (int i = 0; i < nd; i++) {
    const bool sl = left->shape[i] != 1, sr = right->shape[i] != 1;
    if (is_sum[i]) {
      sums[n_s++] = i;
      if (sl && sr) {
        sum_size *= left->shape[i];
      } else if (sl || sr) { /* only one side has it: sum it there now */
        oz_tensor **side = sl ? &left : &right;
        const int64_t d = i;
        oz_tensor *s = sum_keep(*side, &d, 1);
        if (!s) goto done;
        oz_tensor_decref(*side);
        *side = s;
      }
    } else if (sl && sr) {
      lro[n_lro++] = i, lro_size *= left->shape[i];
    } else if (sl) {
      lo[n_lo++] = i, lo_size *= left->shape[i];
    } else {
      ro[n_ro++] = i, ro_size *= right->shape[i];
    }
  }
  /* left as [lro, lo, sum, ro], right as [lro, sum, ro, lo]; the product comes out as
   * [lro, lo, 1 per summed dim, ro] and is permuted back to the original dim order. */
  int64_t lperm[OZ_MAX_DIMS], rperm[OZ_MAX_DIMS], oshape[OZ_MAX_DIMS], operm[OZ_MAX_DIMS];
  int k = 0, kr = 0;
  for (int j = 0; j < n_lro; j++) lperm[k] = rperm[kr++] = lro[j], oshape[k++] = left->shape[lro[j]];
  for (int j = 0; j < n_lo; j++) lperm[k] = lo[j], oshape[k++] = left->shape[lo[j]];
  for (int j = 0; j < n_s; j++) lperm[k] = rperm[kr++] = sums[j], oshape[k++] = 1;
  for (int j = 0; j < n_ro; j++) lperm[k] = rperm[kr++] = ro[j], oshape[k++] = right->shape[ro[j]];
  for (int j = 0; j < n_lo; j++) rperm[kr++] = lo[j];
  for (int j = 0; j < nd; j++) operm[lperm[j]] = j;
  const int64_t lshape[3] = {lro_size, lo_size, sum_size}, rshape[3] = {lro_size, sum_size, ro_size};
  lp = oz_ad_permute(left, nd, lperm);
  rp = lp ? oz_ad_permute(right, nd, rperm) : NULL;
  l3 = rp ? oz_ad_reshape(lp, 3, lshape) : NULL;
  r3 = l3 ? oz_ad_reshape(rp, 3, rshape) : NULL;
  p = r3 ? oz_bmm(l3, r3, NULL) : NULL;
  pv = p ? oz_ad_view(p, nd, oshape) : NULL;
  result = pv ? oz_ad_permute(pv, nd, operm) : NULL;
done:
  oz_tensor_decref(left), oz_tensor_decref(right), oz_tensor_decref(lp), oz_tensor_decref(rp);
  oz_tensor_decref(l3), oz_tensor_decref(r3), oz_tensor_decref(p), oz_tensor_decref(pv);
  return result;
}

/* ================================ einsum ================================ */

enum { N_LETTERS = 26, N_LABELS = 2 * N_LETTERS, ELLIPSIS = N_LABELS, MAX_LABELS_PER_OP = 64,
       MAX_OPERANDS = 64 };

/* 'A'-'Z' are 0-25 and 'a'-'z' 26-51, so an implicit output lists upper case first, as torch. */
static int label_of(unsigned char c) { return isupper(c) ? c - 'A' : c - 'a' + N_LETTERS; }
static char letter_of(int s) { return (char)(s < N_LETTERS ? s + 'A' : s - N_LETTERS + 'a'); }

typedef struct einsum_plan {
  int n_ops;
  int n_labels[MAX_OPERANDS];       /* labels per operand, ELLIPSIS included */
  uint8_t (*labels)[MAX_LABELS_PER_OP];
  int64_t label_count[N_LABELS];
  int64_t perm_index_of[N_LABELS]; /* aligned dim of each label, -1 unused */
  int ell_ndim;                     /* dims covered by the widest ellipsis */
  int ell_index;                    /* first aligned dim of the ellipsis */
  int out_ndim;                     /* aligned dims that are the output's */
  int total;                        /* all aligned dims */
} einsum_plan;

/* An ASCII letter: torch's isalpha in the C locale. */
static bool is_label(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Parses the operands' labels (left of "->"): torch's checks and messages. */
static int parse_inputs(const char *eq, size_t lhs_len, einsum_plan *p) {
  int cur = 0;
  bool ell_seen = false;
  for (size_t i = 0; i < lhs_len; i++) {
    const unsigned char c = (unsigned char)eq[i];
    if (c == ' ') continue;
    if (c == '.') {
      if (ell_seen)
        return oz_set_error(OZ_ERR_RUNTIME,
                            "einsum(): found '.' for operand %d for which an ellipsis was already "
                            "found", cur);
      if (!(i + 2 < lhs_len && eq[i + 1] == '.' && eq[i + 2] == '.'))
        return oz_set_error(OZ_ERR_RUNTIME,
                            "einsum(): found '.' for operand %d that is not part of any ellipsis",
                            cur);
      i += 2;
      ell_seen = true;
    } else if (c == ',') {
      if (++cur >= p->n_ops)
        return oz_set_error(OZ_ERR_RUNTIME, "einsum(): fewer operands were provided than "
                                            "specified in the equation");
      ell_seen = false;
      continue;
    } else if (!is_label(c)) {
      return oz_set_error(OZ_ERR_RUNTIME,
                          "einsum(): invalid subscript given at index %zu in the equation string, "
                          "subscripts must be in [a-zA-Z]", i);
    }
    if (p->n_labels[cur] >= MAX_LABELS_PER_OP)
      return oz_set_error(OZ_ERR_RUNTIME, "einsum(): too many subscripts for operand %d", cur);
    p->labels[cur][p->n_labels[cur]++] = c == '.' ? ELLIPSIS : (uint8_t)label_of(c);
  }
  if (cur != p->n_ops - 1)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "einsum(): more operands were provided than specified in the equation");
  return OZ_OK;
}

/* Counts labels, checks them against each operand's ndim, and sizes the ellipsis. */
static int count_labels(const oz_tensor *const *ops, einsum_plan *p) {
  for (int i = 0; i < p->n_ops; i++) {
    int nl = p->n_labels[i];
    bool has_ell = false;
    for (int j = 0; j < p->n_labels[i]; j++) {
      if (p->labels[i][j] == ELLIPSIS) {
        nl--, has_ell = true;
      } else {
        p->label_count[p->labels[i][j]]++;
      }
    }
    const int nd = ops[i]->ndim;
    if (has_ell && nd - nl > p->ell_ndim) p->ell_ndim = nd - nl;
    if (has_ell ? nl > nd : nl != nd)
      return oz_set_error(OZ_ERR_RUNTIME,
                          "einsum(): the number of subscripts in the equation (%d) %s the number "
                          "of dimensions (%d) for operand %d%s",
                          nl, has_ell ? "is more than" : "does not match", nd, i,
                          has_ell ? "" : " and no ellipsis was given");
  }
  return OZ_OK;
}

/* Gives every label and the ellipsis its aligned dim: the output's first (explicit after "->",
 * else the ellipsis and then every label used once, in label order), then the contracted ones. */
static int plan_output(const char *arrow, size_t lhs_len, einsum_plan *p) {
  int idx = 0;
  bool ell_in_out = false;
  for (int s = 0; s < N_LABELS; s++) p->perm_index_of[s] = -1;
  if (!arrow) {
    idx = p->ell_ndim;
    ell_in_out = true;
    for (int s = 0; s < N_LABELS; s++)
      if (p->label_count[s] == 1) p->perm_index_of[s] = idx++;
  } else {
    const char *rhs = arrow + 2;
    const size_t n = strlen(rhs);
    for (size_t i = 0; i < n; i++) {
      const unsigned char c = (unsigned char)rhs[i];
      if (c == ' ') continue;
      if (c == '.') {
        if (ell_in_out)
          return oz_set_error(OZ_ERR_RUNTIME, "einsum(): found '.' for output but an ellipsis "
                                              "(...) was already found");
        if (!(i + 2 < n && rhs[i + 1] == '.' && rhs[i + 2] == '.'))
          return oz_set_error(OZ_ERR_RUNTIME, "einsum(): found '.' for output that is not part "
                                              "of any ellipsis (...)");
        i += 2;
        p->ell_index = idx;
        idx += p->ell_ndim;
        ell_in_out = true;
        continue;
      }
      if (!is_label(c))
        return oz_set_error(OZ_ERR_RUNTIME,
                            "einsum(): invalid subscript given at index %zu in the equation "
                            "string, subscripts must be in [a-zA-Z]", lhs_len + 2 + i);
      const int s = label_of(c);
      if (p->label_count[s] == 0 || p->perm_index_of[s] != -1)
        return oz_set_error(OZ_ERR_RUNTIME, "einsum(): output subscript %c %s", c,
                            p->perm_index_of[s] != -1
                                ? "appears more than once in the output"
                                : "does not appear in the equation for any input operand");
      p->perm_index_of[s] = idx++;
    }
  }
  p->out_ndim = idx;
  if (!ell_in_out) p->ell_index = idx, idx += p->ell_ndim;
  for (int s = 0; s < N_LABELS; s++)
    if (p->label_count[s] > 0 && p->perm_index_of[s] == -1) p->perm_index_of[s] = idx++;
  p->total = idx;
  if (idx > OZ_MAX_DIMS)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "einsum(): this equation needs %d aligned dimensions (distinct subscripts "
                        "plus ellipsis dimensions), but OzTorch tensors have at most %d",
                        idx, OZ_MAX_DIMS);
  return OZ_OK;
}

/* Operand i aligned to the plan's dim order: diagonals for repeated labels, size-1 dims for
 * missing ones, then a permute. Checks and records sizes (label_size, ell_size) and counts, per
 * aligned dim, the operands that have it with a size other than 1 (dim_counts). */
static oz_tensor *align_operand(const oz_tensor *op_in, int i, const einsum_plan *p,
                                int64_t *label_size, int64_t *ell_size, int64_t *dim_counts) {
  int64_t perm[OZ_MAX_DIMS];
  for (int d = 0; d < p->total; d++) perm[d] = -1;
  oz_tensor *op = oz_ad_alias(op_in);
  int dim = 0;
  for (int j = 0; op && j < p->n_labels[i]; j++) {
    const int s = p->labels[i][j];
    if (s == ELLIPSIS) {
      const int covered = op_in->ndim - (p->n_labels[i] - 1);
      for (int e = p->ell_ndim - covered; e < p->ell_ndim; e++) {
        const int64_t size = op->shape[dim];
        if (size != 1) {
          if (ell_size[e] != 1 && ell_size[e] != size) {
            oz_set_error(OZ_ERR_RUNTIME,
                         "einsum(): dimension %d covered by ellipsis in operand %d has size %lld "
                         "which does not broadcast with previously seen ellipsis with size %lld "
                         "for the respective dimension",
                         dim, i, (long long)size, (long long)ell_size[e]);
            return oz_tensor_decref(op), NULL;
          }
          ell_size[e] = size;
          dim_counts[p->ell_index + e]++;
        }
        perm[p->ell_index + e] = dim++;
      }
    } else if (perm[p->perm_index_of[s]] == -1) {
      const int64_t size = op->shape[dim];
      if (size != 1) {
        if (label_size[s] != 1 && label_size[s] != size) {
          oz_set_error(OZ_ERR_RUNTIME,
                       "einsum(): subscript %c has size %lld for operand %d which does not "
                       "broadcast with previously seen size %lld",
                       letter_of(s), (long long)size, i, (long long)label_size[s]);
          return oz_tensor_decref(op), NULL;
        }
        label_size[s] = size;
        dim_counts[p->perm_index_of[s]]++;
      }
      perm[p->perm_index_of[s]] = dim++;
    } else { /* a repeated label: take the diagonal, which removes this dim */
      const int prev = (int)perm[p->perm_index_of[s]];
      if (op->shape[dim] != op->shape[prev]) {
        oz_set_error(OZ_ERR_RUNTIME,
                     "einsum(): subscript %c is repeated for operand %d but the sizes don't "
                     "match, %lld != %lld",
                     letter_of(s), i, (long long)op->shape[dim], (long long)op->shape[prev]);
        return oz_tensor_decref(op), NULL;
      }
      oz_tensor *d = diagonal_ad(op, prev, dim);
      oz_tensor_decref(op);
      op = d;
    }
  }
  for (int d = 0; op && d < p->total; d++) {
    if (perm[d] != -1) continue;
    oz_tensor *u = oz_ad_unsqueeze(op, dim);
    oz_tensor_decref(op);
    op = u;
    perm[d] = dim++;
  }
  oz_tensor *r = op ? oz_ad_permute(op, p->total, perm) : NULL;
  oz_tensor_decref(op);
  return r;
}

/* Left-to-right contraction of the aligned operands (consumed), then the contracted dims go. */
static oz_tensor *contract(oz_tensor **ops, int n_ops, const einsum_plan *p, int64_t *dim_counts) {
  oz_tensor *acc = ops[0];
  ops[0] = NULL;
  for (int i = 1; acc && i < n_ops; i++) {
    oz_tensor *a = acc, *b = ops[i];
    ops[i] = NULL;
    bool is_sum[OZ_MAX_DIMS] = {false};
    int64_t a_sum[OZ_MAX_DIMS], b_sum[OZ_MAX_DIMS];
    int n_sum = 0, n_a = 0, n_b = 0;
    for (int d = p->out_ndim; d < p->total; d++) {
      if (a->shape[d] != 1 && b->shape[d] != 1) {
        if (--dim_counts[d] == 1) is_sum[d] = true, n_sum++, dim_counts[d] = 0;
      } else if (dim_counts[d] == 1) { /* only a (or b) still has it: sum it now */
        if (a->shape[d] != 1) a_sum[n_a++] = d, dim_counts[d] = 0;
        else if (b->shape[d] != 1) b_sum[n_b++] = d, dim_counts[d] = 0;
      }
    }
    oz_tensor *as = n_a ? sum_keep(a, a_sum, n_a) : a;
    oz_tensor *bs = n_b ? sum_keep(b, b_sum, n_b) : b;
    acc = as && bs ? sumproduct_pair(as, bs, is_sum, n_sum) : NULL;
    if (n_a) oz_tensor_decref(as);
    if (n_b) oz_tensor_decref(bs);
    oz_tensor_decref(a), oz_tensor_decref(b);
  }
  if (!acc || p->total == p->out_ndim) return acc;
  oz_tensor *r;
  if (n_ops > 1) { /* every contracted dim has size 1 by now */
    r = oz_ad_view(acc, p->out_ndim, acc->shape);
  } else {
    int64_t dims[OZ_MAX_DIMS];
    for (int d = p->out_ndim; d < p->total; d++) dims[d - p->out_ndim] = d;
    r = oz_sum(acc, dims, p->total - p->out_ndim, false, -1, NULL);
  }
  oz_tensor_decref(acc);
  return r;
}

oz_tensor *oz_einsum(const char *equation, int n_ops, const oz_tensor *const *operands) {
  if (n_ops <= 0)
    return oz_set_error(OZ_ERR_RUNTIME, "einsum(): must provide at least one operand"), NULL;
  einsum_plan p;
  memset(&p, 0, sizeof p);
  p.n_ops = n_ops;
  if (n_ops > MAX_OPERANDS)
    return oz_set_error(OZ_ERR_RUNTIME, "einsum(): at most %d operands are supported",
                        MAX_OPERANDS), NULL;
  p.labels = oz_host_alloc(sizeof *p.labels * (size_t)n_ops);
  oz_tensor **ops = p.labels ? oz_host_alloc(sizeof *ops * (size_t)n_ops) : NULL;
  oz_tensor *result = NULL;
  if (!ops) goto done;
  for (int i = 0; i < n_ops; i++) ops[i] = NULL;
  const char *arrow = strstr(equation, "->");
  const size_t lhs_len = arrow ? (size_t)(arrow - equation) : strlen(equation);
  if (parse_inputs(equation, lhs_len, &p) != OZ_OK || count_labels(operands, &p) != OZ_OK ||
      plan_output(arrow, lhs_len, &p) != OZ_OK)
    goto done;
  int64_t label_size[N_LABELS], ell_size[OZ_MAX_DIMS], dim_counts[OZ_MAX_DIMS] = {0};
  for (int s = 0; s < N_LABELS; s++) label_size[s] = 1;
  for (int e = 0; e < OZ_MAX_DIMS; e++) ell_size[e] = 1;
  for (int i = 0; i < n_ops; i++)
    if (!(ops[i] = align_operand(operands[i], i, &p, label_size, ell_size, dim_counts))) goto done;
  result = contract(ops, n_ops, &p, dim_counts);
done:
  for (int i = 0; ops && i < n_ops; i++) oz_tensor_decref(ops[i]);
  oz_host_free(ops);
  oz_host_free(p.labels);
  return result;
}

/* =============================== tensordot =============================== */

/* With out=, the result is copied into out without history: torch's tensordot_out is not
 * differentiable either, but does not refuse inputs that require grad. */
oz_tensor *oz_tensordot(const oz_tensor *a, const oz_tensor *b, int n_dims, const int64_t *dims_a,
                        const int64_t *dims_b, oz_tensor *out) {
  int da[OZ_MAX_DIMS], db[OZ_MAX_DIMS];
  bool ca[OZ_MAX_DIMS] = {false}, cb[OZ_MAX_DIMS] = {false};
  /* Contracted dims of size 1 on one side broadcast: that side's partner is summed first. */
  oz_tensor *t1 = oz_ad_alias(a), *t2 = t1 ? oz_ad_alias(b) : NULL, *result = NULL;
  oz_tensor *p1 = NULL, *p2 = NULL, *m1 = NULL, *m2 = NULL, *prod = NULL;
  int64_t csize = 1;
  if (!t2) goto done;
  for (int i = 0; i < n_dims; i++) {
    const int wa = oz_wrap_dim(dims_a[i], a->ndim), wb = wa < 0 ? -1 : oz_wrap_dim(dims_b[i], b->ndim);
    if (wa < 0 || wb < 0) goto done;
    if (i >= OZ_MAX_DIMS) { /* more dims than a tensor can have: some dim repeats */
      oz_set_error(OZ_ERR_RUNTIME, "dim %d appears multiple times in the list of dims", wa);
      goto done;
    }
    da[i] = wa, db[i] = wb;
    const int64_t s1 = a->shape[da[i]], s2 = b->shape[db[i]];
    oz_tensor **side = s2 == 1 ? &t1 : s1 == 1 ? &t2 : NULL;
    if (side) {
      const int64_t d = side == &t1 ? da[i] : db[i];
      oz_tensor *s = sum_keep(*side, &d, 1);
      if (!s) goto done;
      oz_tensor_decref(*side);
      *side = s;
    } else if (s1 != s2) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "contracted dimensions need to match, but first has size %lld in dim %lld and "
                   "second has size %lld in dim %lld",
                   (long long)s1, (long long)dims_a[i], (long long)s2, (long long)dims_b[i]);
      goto done;
    } else {
      csize *= s1;
    }
  }
  for (int i = 0; i < n_dims; i++) {
    if (ca[da[i]] || cb[db[i]]) {
      oz_set_error(OZ_ERR_RUNTIME, "dim %d appears multiple times in the list of dims",
                   ca[da[i]] ? da[i] : db[i]);
      goto done;
    }
    ca[da[i]] = cb[db[i]] = true;
  }
  /* a as [kept..., contracted...] -> [size1, csize]; b as [contracted..., kept...] */
  int64_t perm1[OZ_MAX_DIMS], perm2[OZ_MAX_DIMS], rshape[2 * OZ_MAX_DIMS];
  int k1 = 0, k2 = 0, nr = 0;
  int64_t size1 = 1, size2 = 1;
  for (int d = 0; d < a->ndim; d++)
    if (!ca[d]) perm1[k1++] = d, size1 *= t1->shape[d], rshape[nr++] = t1->shape[d];
  for (int i = 0; i < n_dims; i++) perm1[k1++] = da[i], perm2[k2++] = db[i];
  for (int d = 0; d < b->ndim; d++)
    if (!cb[d]) perm2[k2++] = d, size2 *= t2->shape[d], rshape[nr++] = t2->shape[d];
  if (nr > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensordot: the result would have %d dimensions; OzTorch tensors "
                 "have at most %d", nr, OZ_MAX_DIMS);
    goto done;
  }
  const int64_t s1[2] = {size1, csize}, s2[2] = {csize, size2};
  p1 = oz_ad_permute(t1, a->ndim, perm1);
  p2 = p1 ? oz_ad_permute(t2, b->ndim, perm2) : NULL;
  m1 = p2 ? oz_ad_reshape(p1, 2, s1) : NULL;
  m2 = m1 ? oz_ad_reshape(p2, 2, s2) : NULL;
  prod = m2 ? oz_mm(m1, m2, NULL) : NULL;
  result = prod ? oz_ad_reshape(prod, nr, rshape) : NULL;
  if (result && out) {
    if (out->dtype != result->dtype) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "tensordot: Expected the output tensor to have dtype %s, but got an output "
                   "tensor with dtype %s",
                   oz_dtype_scalar_type_name(result->dtype), oz_dtype_scalar_type_name(out->dtype));
      oz_tensor_decref(result), result = NULL;
    } else if (oz_check_out(out, false, result->ndim, result->shape, result->dtype,
                            oz_tensor_device(result)) != OZ_OK) {
      oz_tensor_decref(result), result = NULL;
    } else {
      result = oz_finish_out(result, out);
      if (result) oz_bump_version(out);
    }
  }
done:
  oz_tensor_decref(t1), oz_tensor_decref(t2), oz_tensor_decref(p1), oz_tensor_decref(p2);
  oz_tensor_decref(m1), oz_tensor_decref(m2), oz_tensor_decref(prod);
  return result;
}

/* ================================= inner ================================= */

oz_tensor *oz_inner(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (a->ndim == 0 || b->ndim == 0) return oz_mul(a, b, out);
  if (a->shape[a->ndim - 1] != b->shape[b->ndim - 1]) {
    char sa[256], sb[256];
    oz_set_error(OZ_ERR_RUNTIME,
                 "inner() the last dimension must match on both input tensors but got shapes %s "
                 "and %s",
                 oz_shape_str(sa, sizeof sa, a->ndim, a->shape),
                 oz_shape_str(sb, sizeof sb, b->ndim, b->shape));
    return NULL;
  }
  const int64_t last = -1;
  return oz_tensordot(a, b, 1, &last, &last, out);
}

/* ================================= trace ================================= */

oz_tensor *oz_trace(const oz_tensor *a) {
  if (a->ndim != 2)
    return oz_set_error(OZ_ERR_RUNTIME, "trace: expected a matrix, but got tensor with dim %d",
                        a->ndim), NULL;
  if (a->dtype == OZ_BOOL) return oz_linalg_bool_error("trace"), NULL;
  oz_node *n;
  /* the gradient is g on the diagonal of a zero matrix: the diagonal's formula */
  if (oz_grad_begin("trace", "TraceBackward0", diagonal_backward, &a, 1, NULL, &n) != OZ_OK)
    return NULL;
  if (n) n->ints[0] = 0, n->ints[1] = 1, n->n_ints = 2;
  /* the plain view has no history, so the sum records nothing: the node above is the record */
  oz_tensor *d = diagonal_view(a, 0, 1);
  oz_tensor *r = d ? oz_sum(d, NULL, 0, false, -1, NULL) : NULL;
  oz_tensor_decref(d);
  return oz_grad_end(n, r, NULL);
}
