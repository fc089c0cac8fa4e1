/* binary_grad.c - derivative formulas of the binary and ternary ops (PyTorch 1.13's
 * derivatives.yaml), written with the public ops so that a create_graph backward records them
 * too. Gradients may come out broadcast-shaped or in a wider dtype: the engine reduces and casts
 * them to each input.
 *
 * The node's inputs are the operands that are tensors; ints[k] is operand k's input slot (-1 for
 * a Python number), saved[k] is operand k (binary.c records both). */
#include <math.h>

#include "core/binary_internal.h"
#include "core/op_support.h"
#include "core/oz_ops_unary.h"

/* ---- temporaries: each formula keeps its intermediate tensors in one list and lets them go
 * together; after the first failure nothing more is computed (T() yields NULL). ---- */
#define MAX_TEMPS 24
typedef struct temps {
  oz_tensor *t[MAX_TEMPS];
  int n;
  bool failed;
} temps;

static oz_tensor *keep(temps *s, oz_tensor *t) {
  if (!t || s->n == MAX_TEMPS) {
    if (t) oz_tensor_decref(t), oz_set_error(OZ_ERR_RUNTIME, "binary_grad: too many temporaries");
    s->failed = true;
    return NULL;
  }
  return s->t[s->n++] = t;
}
#define T(expr) (s.failed ? NULL : keep(&s, (expr)))

/* Hands `t` (one of the temporaries) to a gradient slot. */
static void give(oz_tensor **slot, oz_tensor *t) {
  if (!t) return;
  oz_tensor_incref(t);
  *slot = t;
}

static int finish(temps *s, oz_tensor **gin, int n_gin) {
  for (int i = 0; i < s->n; i++) oz_tensor_decref(s->t[i]);
  if (!s->failed) return OZ_OK;
  for (int i = 0; i < n_gin; i++) oz_tensor_decref(gin[i]), gin[i] = NULL;
  return oz_last_error_code() != OZ_OK ? oz_last_error_code() : OZ_ERR_RUNTIME;
}

/* Operand k's node input slot, or -1 (a Python number, or no gradient wanted). */
static int wanted(const oz_node *n, int k) {
  int slot = n->ints[k];
  return slot >= 0 && oz_node_needs_grad(n, slot) ? slot : -1;
}

static oz_tensor *num(double v) { return oz_binary_number(v); }

/* The value of a wrapped number (a Python scalar operand). */
static double number_value(const oz_tensor *t) {
  double f = 0;
  int64_t i = 0;
  oz_read_element(t, 0, &f, &i);
  return oz_dtype_is_floating(t->dtype) ? f : (double)i;
}

static oz_tensor *sub(const oz_tensor *a, const oz_tensor *b) {
  return oz_sub(a, b, oz_make_scalar_i(1), NULL);
}

/* ================================ pow ================================
 * d/da a^b = b * a^(b-1) (0 where b == 0); d/db a^b = a^b * log(a) (0 where a == 0 and b >= 0).
 * saved: a, b, result. */
int oz_pow_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  temps s = {.n = 0};
  oz_tensor *a = T(oz_node_saved(n, 0)), *b = T(oz_node_saved(n, 1)), *r = T(oz_node_saved(n, 2));
  oz_tensor *zero = T(num(0)), *one = T(num(1));
  int sa = wanted(n, 0), sb = wanted(n, 1);
  if (sa >= 0 && !s.failed) {
    /* A number exponent stays a double (b - 1 as tensors would round in float32). */
    oz_tensor *bm1 = b->is_wrapped_number ? T(num(number_value(b) - 1)) : T(sub(b, one));
    oz_tensor *p = T(oz_pow(a, bm1, NULL));
    oz_tensor *gb = T(oz_mul(g[0], b, NULL));
    oz_tensor *d = T(oz_mul(gb, p, NULL));
    oz_tensor *b_zero = T(oz_compare(OZ_OP_EQ, b, zero, NULL));
    give(&gin[sa], T(oz_where(b_zero, zero, d, NULL)));
  }
  if (sb >= 0 && !s.failed) {
    oz_tensor *log_a;
    if (a->is_wrapped_number) {
      log_a = T(num(log(number_value(a))));
    } else { /* an integral base of a float exponent: the log in the result's dtype */
      oz_tensor *af = T(oz_to_dtype(a, r->dtype, false));
      log_a = T(oz_log(af, NULL));
    }
    oz_tensor *a_zero = T(oz_compare(OZ_OP_EQ, a, zero, NULL));
    oz_tensor *b_nonneg = T(oz_compare(OZ_OP_GE, b, zero, NULL));
    oz_tensor *at_zero = T(oz_logical_and(a_zero, b_nonneg, NULL));
    oz_tensor *rl = T(oz_mul(r, log_a, NULL));
    oz_tensor *d = T(oz_where(at_zero, zero, rl, NULL));
    give(&gin[sb], T(oz_mul(g[0], d, NULL)));
  }
  return finish(&s, gin, n->n_inputs);
}

/* ======================= remainder, fmod, rounded division =======================
 * d/da = 1; d/db = -(a rounded-divided by b), floor for remainder, trunc for fmod. */
static int modulus_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin, const char *mode) {
  temps s = {.n = 0};
  int sa = wanted(n, 0), sb = wanted(n, 1);
  if (sa >= 0) give(&gin[sa], g[0]);
  if (sb >= 0) {
    oz_tensor *a = T(oz_node_saved(n, 0)), *b = T(oz_node_saved(n, 1));
    oz_tensor *q = T(oz_div_rounding(a, b, mode, NULL));
    oz_tensor *gq = T(oz_mul(g[0], q, NULL));
    give(&gin[sb], T(oz_neg(gq, NULL)));
  }
  return finish(&s, gin, n->n_inputs);
}
int oz_remainder_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return modulus_backward(n, g, gin, "floor");
}
int oz_fmod_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return modulus_backward(n, g, gin, "trunc");
}

/* div(rounding_mode=...): PyTorch's `grad * 0` (so a NaN or inf gradient gives NaN). */
int oz_zero_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  temps s = {.n = 0};
  oz_tensor *zero = T(num(0));
  for (int k = 0; k < 2; k++) {
    int slot = wanted(n, k);
    if (slot >= 0) give(&gin[slot], T(oz_mul(g[0], zero, NULL)));
  }
  return finish(&s, gin, n->n_inputs);
}

int oz_not_implemented_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  (void)g, (void)gin;
  return oz_set_error(OZ_ERR_RUNTIME, "derivative for aten::%s is not implemented",
                      n->extra ? (const char *)n->extra : "?");
}

/* ================================ extrema ================================ */

/* maximum (a loses where a < b) / minimum (where a > b): the gradient goes to the chosen
 * operand, half to each on a tie. */
static int extremum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin, int a_loses) {
  temps s = {.n = 0};
  const int b_loses = a_loses == OZ_OP_LT ? OZ_OP_GT : OZ_OP_LT;
  oz_tensor *a = T(oz_node_saved(n, 0)), *b = T(oz_node_saved(n, 1)), *zero = T(num(0));
  oz_tensor *half = T(num(0.5));
  oz_tensor *tie = T(oz_compare(OZ_OP_EQ, a, b, NULL));
  oz_tensor *g_half = T(oz_mul(g[0], half, NULL));
  oz_tensor *shared = T(oz_where(tie, g_half, g[0], NULL));
  int sa = wanted(n, 0), sb = wanted(n, 1);
  if (sa >= 0) {
    oz_tensor *lost = T(oz_compare(a_loses, a, b, NULL));
    give(&gin[sa], T(oz_where(lost, zero, shared, NULL)));
  }
  if (sb >= 0) {
    oz_tensor *lost = T(oz_compare(b_loses, a, b, NULL));
    give(&gin[sb], T(oz_where(lost, zero, shared, NULL)));
  }
  return finish(&s, gin, n->n_inputs);
}
int oz_maximum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return extremum_backward(n, g, gin, OZ_OP_LT);
}
int oz_minimum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return extremum_backward(n, g, gin, OZ_OP_GT);
}

/* fmax (cmp GE) / fmin (LE): a gets the gradient where it was chosen, (a cmp b) or b is NaN;
 * b everywhere else. */
static int nan_extremum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin, int cmp) {
  temps s = {.n = 0};
  oz_tensor *a = T(oz_node_saved(n, 0)), *b = T(oz_node_saved(n, 1)), *zero = T(num(0));
  oz_tensor *beats = T(oz_compare(cmp, a, b, NULL));
  oz_tensor *b_nan = T(oz_compare(OZ_OP_NE, b, b, NULL));
  oz_tensor *a_won = T(oz_logical_or(beats, b_nan, NULL));
  int sa = wanted(n, 0), sb = wanted(n, 1);
  if (sa >= 0) give(&gin[sa], T(oz_where(a_won, g[0], zero, NULL)));
  if (sb >= 0) give(&gin[sb], T(oz_where(a_won, zero, g[0], NULL)));
  return finish(&s, gin, n->n_inputs);
}
int oz_fmax_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return nan_extremum_backward(n, g, gin, OZ_OP_GE);
}
int oz_fmin_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return nan_extremum_backward(n, g, gin, OZ_OP_LE);
}

/* ================================ atan2 ================================
 * d/da atan2(a, b) = b / (a^2 + b^2); d/db = -a / (a^2 + b^2). */
int oz_atan2_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  temps s = {.n = 0};
  oz_tensor *a = T(oz_node_saved(n, 0)), *b = T(oz_node_saved(n, 1));
  oz_tensor *aa = T(oz_mul(a, a, NULL)), *bb = T(oz_mul(b, b, NULL));
  oz_tensor *r2 = T(oz_add(aa, bb, oz_make_scalar_i(1), NULL));
  oz_tensor *g_r2 = T(oz_div(g[0], r2, NULL));
  int sa = wanted(n, 0), sb = wanted(n, 1);
  if (sa >= 0) give(&gin[sa], T(oz_mul(g_r2, b, NULL)));
  if (sb >= 0) {
    oz_tensor *ga = T(oz_mul(g_r2, a, NULL));
    give(&gin[sb], T(oz_neg(ga, NULL)));
  }
  return finish(&s, gin, n->n_inputs);
}

/* ================================ where ================================
 * Inputs x, y (always both); saved: the condition. */
int oz_where_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  temps s = {.n = 0};
  oz_tensor *cond = T(oz_node_saved(n, 0)), *zero = T(num(0));
  if (oz_node_needs_grad(n, 0)) give(&gin[0], T(oz_where(cond, g[0], zero, NULL)));
  if (oz_node_needs_grad(n, 1)) give(&gin[1], T(oz_where(cond, zero, g[0], NULL)));
  return finish(&s, gin, n->n_inputs);
}

/* ================================ lerp ================================
 * lerp(a, e, w) = a + w (e - a): d/da = 1 - w, d/de = w, d/dw = e - a. saved: a, e, w. */
int oz_lerp_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  temps s = {.n = 0};
  oz_tensor *a = T(oz_node_saved(n, 0)), *e = T(oz_node_saved(n, 1)), *w = T(oz_node_saved(n, 2));
  int sa = wanted(n, 0), se = wanted(n, 1), sw = wanted(n, 2);
  if (sa >= 0 && !s.failed) {
    oz_tensor *one_minus_w;
    if (w->is_wrapped_number) {
      one_minus_w = T(num(1 - number_value(w)));
    } else {
      oz_tensor *one = T(num(1));
      one_minus_w = T(sub(one, w));
    }
    give(&gin[sa], T(oz_mul(g[0], one_minus_w, NULL)));
  }
  if (se >= 0) give(&gin[se], T(oz_mul(g[0], w, NULL)));
  if (sw >= 0) {
    oz_tensor *diff = T(sub(e, a));
    give(&gin[sw], T(oz_mul(g[0], diff, NULL)));
  }
  return finish(&s, gin, n->n_inputs);
}

/* ============================ addcmul, addcdiv ============================
 * a + v t1 t2: d/da = 1, d/dt1 = v t2, d/dt2 = v t1.
 * a + v t1 / t2: d/da = 1, d/dt1 = v / t2, d/dt2 = -v t1 / t2^2. saved: t1, t2. */
static int addc_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin, bool divide) {
  temps s = {.n = 0};
  oz_tensor *t1 = T(oz_node_saved(n, 0)), *t2 = T(oz_node_saved(n, 1));
  oz_tensor *v = T(num(n->scalars[0].f));
  oz_tensor *gv = T(oz_mul(g[0], v, NULL));
  int sa = wanted(n, 0), s1 = wanted(n, 1), s2 = wanted(n, 2);
  if (sa >= 0) give(&gin[sa], g[0]);
  if (s1 >= 0) give(&gin[s1], T(divide ? oz_div(gv, t2, NULL) : oz_mul(gv, t2, NULL)));
  if (s2 >= 0 && !divide) give(&gin[s2], T(oz_mul(gv, t1, NULL)));
  if (s2 >= 0 && divide) {
    oz_tensor *q = T(oz_div(gv, t2, NULL));
    oz_tensor *q1 = T(oz_mul(q, t1, NULL));
    oz_tensor *q12 = T(oz_div(q1, t2, NULL));
    give(&gin[s2], T(oz_neg(q12, NULL)));
  }
  return finish(&s, gin, n->n_inputs);
}
int oz_addcmul_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return addc_backward(n, g, gin, false);
}
int oz_addcdiv_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return addc_backward(n, g, gin, true);
}
