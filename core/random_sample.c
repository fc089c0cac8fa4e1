/* random_sample.c - the sampling front-ends: PyTorch's parameter checks and messages, output
 * shape/dtype, the generator's (seed, offset), autograd recording, then one dispatched kernel.
 * What each kernel computes from (seed, offset) is written in dispatch/ops/random.def. */
#include <float.h>
#include <inttypes.h>
#include <math.h>

#include "core/op_support.h"
#include "core/random_internal.h"

int oz_random_require_floating(const oz_tensor *t, const char *kernel) {
  if (oz_dtype_is_floating(t->dtype)) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME, "\"%s\" not implemented for '%s'", kernel,
                      oz_dtype_scalar_type_name(t->dtype));
}

/* ---- one kernel call ---- */

/* What a sampler kernel gets besides out[0] and (seed, offset). */
typedef struct sampler_args {
  int op;
  const oz_tensor *ins[2]; /* already out's shape (expanded) and the kernel's dtype */
  int n_in;
  oz_scalar scalars[3];
  int n_scalars;
  int64_t ints[2]; /* after seed and offset */
  int n_ints;
} sampler_args;

/* Reserves `blocks` of gen's stream and runs the kernel into out. */
static int dispatch_sampler(const sampler_args *s, oz_tensor *out, uint64_t blocks,
                            oz_generator *gen) {
  oz_generator *g = oz_resolve_generator(gen, oz_tensor_device(out));
  if (!g) return oz_last_error_code();
  oz_call call = oz_call_make(s->op);
  for (int i = 0; i < s->n_in; i++) oz_call_in(&call, s->ins[i]);
  oz_call_out(&call, out);
  for (int i = 0; i < s->n_scalars; i++) oz_call_scalar(&call, s->scalars[i]);
  call.ints[0] = (int64_t)g->seed;
  call.ints[1] = (int64_t)oz_generator_reserve(g, blocks);
  for (int i = 0; i < s->n_ints; i++) call.ints[2 + i] = s->ints[i];
  call.n_ints = 2 + s->n_ints;
  return oz_dispatch_call(&call);
}

/* A 0-d tensor holding v, of `dtype` on `device`, expanded to t's shape (new reference). */
static oz_tensor *scalar_like(double v, int dtype, const oz_tensor *t) {
  oz_tensor *s = oz_full(0, NULL, oz_make_scalar_f(v), dtype, oz_tensor_device(t));
  oz_tensor *e = s ? oz_expand(s, t->ndim, t->shape) : NULL;
  oz_tensor_decref(s);
  return e;
}

/* In-place sampling into t with autograd: t's history continues through `node_name` (and
 * `p_input`'s, for bernoulli_ with a tensor p). The arguments' tensors are released here. */
static int sample_inplace(const char *fname, const char *node_name, sampler_args *s, oz_tensor *t,
                          const oz_tensor *p_input, oz_generator *gen) {
  int rc = oz_check_internal_overlap(t);
  for (int i = 0; i < s->n_in && rc == OZ_OK; i++) rc = oz_check_partial_overlap(t, s->ins[i]);
  oz_node *n = NULL;
  const oz_tensor *grad_ins[2] = {t, p_input};
  if (rc == OZ_OK)
    rc = oz_grad_begin(fname, node_name, oz_random_zero_backward, grad_ins, p_input ? 2 : 1, t,
                       &n);
  if (rc == OZ_OK) rc = dispatch_sampler(s, t, (uint64_t)oz_numel(t), gen);
  for (int i = 0; i < s->n_in; i++) oz_tensor_decref((oz_tensor *)s->ins[i]);
  if (rc != OZ_OK) {
    if (n) oz_node_decref(n);
    return rc;
  }
  oz_tensor_incref(t);
  oz_tensor *r = oz_grad_end(n, t, t); /* bumps t's version, attaches n */
  if (!r) return oz_last_error_code();
  oz_tensor_decref(r);
  return OZ_OK;
}

/* ---- in-place samplers ---- */

/* torch's words for a floating dtype's limits */
static double dtype_max(int dtype) { return dtype == OZ_FLOAT32 ? FLT_MAX : DBL_MAX; }
static const char *c_type_name(int dtype) {
  static const char *const names[OZ_NUM_DTYPES] = {
      [OZ_FLOAT32] = "float", [OZ_FLOAT64] = "double",     [OZ_INT64] = "long int",
      [OZ_INT32] = "int",     [OZ_INT16] = "short int",    [OZ_INT8] = "signed char",
      [OZ_UINT8] = "unsigned char", [OZ_BOOL] = "bool", [OZ_FLOAT16] = "c10::Half",
      [OZ_BFLOAT16] = "c10::BFloat16"};
  return dtype >= 0 && dtype < OZ_NUM_DTYPES && names[dtype] ? names[dtype] : "?";
}

int oz_uniform_(oz_tensor *t, double from, double to, oz_generator *gen) {
  if (oz_random_require_floating(t, "check_uniform_bounds") != OZ_OK) return oz_last_error_code();
  const double max = dtype_max(t->dtype);
  if (!(from >= -max && from <= max))
    return oz_set_error(OZ_ERR_RUNTIME, "from is out of bounds for %s", c_type_name(t->dtype));
  if (!(to >= -max && to <= max))
    return oz_set_error(OZ_ERR_RUNTIME, "to is out of bounds for %s", c_type_name(t->dtype));
  if (from > to)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "uniform_ expects to return a [from, to) range, but found from=%g > to=%g",
                        from, to);
  if (to - from > max)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "uniform_ expects to-from <= std::numeric_limits<%s>::max(), but found "
                        "to=%g and from=%g which result in to-from to exceed the limit",
                        oz_dtype_scalar_type_name(t->dtype), to, from);
  sampler_args s = {.op = OZ_OP_UNIFORM, .n_scalars = 2};
  s.scalars[0] = oz_make_scalar_f(from), s.scalars[1] = oz_make_scalar_f(to);
  return sample_inplace("uniform_", "UniformBackward0", &s, t, NULL, gen);
}

int oz_normal_(oz_tensor *t, double mean, double std, oz_generator *gen) {
  if (!(std >= 0.0))
    return oz_set_error(OZ_ERR_RUNTIME, "normal expects std >= 0.0, but found std %g", std);
  if (oz_random_require_floating(t, "normal_kernel_cpu") != OZ_OK) return oz_last_error_code();
  sampler_args s = {.op = OZ_OP_NORMAL, .n_in = 2};
  s.ins[0] = scalar_like(mean, t->dtype, t);
  s.ins[1] = s.ins[0] ? scalar_like(std, t->dtype, t) : NULL;
  if (!s.ins[1]) {
    oz_tensor_decref((oz_tensor *)s.ins[0]);
    return oz_last_error_code();
  }
  return sample_inplace("normal_", "NormalBackward0", &s, t, NULL, gen);
}

/* The values random_() may produce without an explicit bound: [0, 2^digits] for floating
 * dtypes (every integer there is exact), [min, max] for integral ones. */
typedef struct int_range {
  int64_t min, max;
} int_range;
static int_range dtype_int_range(int dtype) {
  switch (dtype) {
  case OZ_FLOAT32: return (int_range){-(INT64_C(1) << 24), INT64_C(1) << 24};
  case OZ_FLOAT64: return (int_range){-(INT64_C(1) << 53), INT64_C(1) << 53};
  case OZ_FLOAT16: return (int_range){-(INT64_C(1) << 11), INT64_C(1) << 11};
  case OZ_BFLOAT16: return (int_range){-(INT64_C(1) << 8), INT64_C(1) << 8};
  case OZ_INT32: return (int_range){INT32_MIN, INT32_MAX};
  case OZ_INT16: return (int_range){INT16_MIN, INT16_MAX};
  case OZ_INT8: return (int_range){INT8_MIN, INT8_MAX};
  case OZ_UINT8: return (int_range){0, UINT8_MAX};
  case OZ_BOOL: return (int_range){0, 1};
  default: return (int_range){INT64_MIN, INT64_MAX};
  }
}

int oz_random_(oz_tensor *t, bool has_from, int64_t from, bool has_to, int64_t to,
               oz_generator *gen) {
  const int_range r = dtype_int_range(t->dtype);
  /* Integral dtypes refuse bounds they can't hold; floating ones only lose exactness (torch
   * merely warns there). */
  const bool strict = !oz_dtype_is_floating(t->dtype);
  uint64_t range; /* 0 stands for 2^64 */
  const char *node = "RandomBackward0";
  if (!has_from) from = 0;
  if (has_to) {
    if (from >= to)
      return oz_set_error(OZ_ERR_RUNTIME,
                          "random_ expects 'from' to be less than 'to', but got from=%" PRId64
                          " >= to=%" PRId64,
                          from, to);
    if (strict && (from < r.min || from > r.max))
      return oz_set_error(OZ_ERR_RUNTIME, "from is out of bounds for %s", c_type_name(t->dtype));
    if (strict && (to - 1 < r.min || to - 1 > r.max))
      return oz_set_error(OZ_ERR_RUNTIME, "to - 1 is out of bounds for %s",
                          c_type_name(t->dtype));
    range = (uint64_t)to - (uint64_t)from;
    if (!has_from) node = "RandomBackward1";
  } else {
    /* up to the largest value of the dtype, inclusive */
    if (!has_from) {
      node = "RandomBackward2";
      from = 0;
    } else if (strict && (from < r.min || from > r.max)) {
      return oz_set_error(OZ_ERR_RUNTIME, "from is out of bounds for %s", c_type_name(t->dtype));
    } else if (from > r.max) {
      return oz_set_error(OZ_ERR_RUNTIME,
                          "random_ expects 'from' casted to dtype to be less than or equal to "
                          "'to_inc' casted to dtype, but got from=%" PRId64 " > to_inc=%" PRId64,
                          from, r.max);
    }
    range = (uint64_t)r.max - (uint64_t)from + 1;
  }
  sampler_args s = {.op = OZ_OP_RANDOM, .n_ints = 2};
  s.ints[0] = from, s.ints[1] = (int64_t)range;
  return sample_inplace("random_", node, &s, t, NULL, gen);
}

int oz_bernoulli_(oz_tensor *t, double p, oz_generator *gen) {
  if (!(p >= 0.0 && p <= 1.0))
    return oz_set_error(OZ_ERR_RUNTIME, "bernoulli_ expects p to be in [0, 1], but got p=%g", p);
  sampler_args s = {.op = OZ_OP_BERNOULLI, .n_in = 1};
  if (!(s.ins[0] = scalar_like(p, OZ_FLOAT64, t))) return oz_last_error_code();
  return sample_inplace("bernoulli_", "BernoulliBackward2", &s, t, NULL, gen);
}

int oz_bernoulli_tensor_(oz_tensor *t, const oz_tensor *p, oz_generator *gen) {
  if (oz_random_require_floating(p, "bernoulli_tensor_cpu_p_") != OZ_OK)
    return oz_last_error_code();
  const oz_tensor *both[2] = {t, p};
  oz_device device;
  if (oz_common_device(both, 2, &device) != OZ_OK) return oz_last_error_code();
  oz_tensor *p64 = oz_operand_as(p, OZ_FLOAT64, device);
  sampler_args s = {.op = OZ_OP_BERNOULLI, .n_in = 1};
  s.ins[0] = p64 ? oz_expand(p64, t->ndim, t->shape) : NULL;
  oz_tensor_decref(p64);
  if (!s.ins[0]) return oz_last_error_code();
  return sample_inplace("bernoulli_", "BernoulliBackward1", &s, t, p, gen);
}

int oz_exponential_(oz_tensor *t, double lambd, oz_generator *gen) {
  if (!(lambd >= 0.0))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "exponential_ expects lambda >= 0.0, but found lambda=%g", lambd);
  if (oz_random_require_floating(t, "exponential_cpu") != OZ_OK) return oz_last_error_code();
  sampler_args s = {.op = OZ_OP_EXPONENTIAL, .n_scalars = 1};
  s.scalars[0] = oz_make_scalar_f(lambd);
  return sample_inplace("exponential_", "ExponentialBackward0", &s, t, NULL, gen);
}

int oz_geometric_(oz_tensor *t, double p, oz_generator *gen) {
  if (!(p > 0.0 && p < 1.0))
    return oz_set_error(OZ_ERR_RUNTIME, "geometric_ expects p to be in (0, 1), but got p=%g", p);
  if (t->dtype == OZ_BOOL)
    return oz_set_error(OZ_ERR_RUNTIME, "\"geometric_cpu\" not implemented for 'Bool'");
  sampler_args s = {.op = OZ_OP_GEOMETRIC, .n_scalars = 1};
  s.scalars[0] = oz_make_scalar_f(p);
  return sample_inplace("geometric_", "GeometricBackward0", &s, t, NULL, gen);
}

int oz_cauchy_(oz_tensor *t, double median, double sigma, oz_generator *gen) {
  if (oz_random_require_floating(t, "cauchy_cpu") != OZ_OK) return oz_last_error_code();
  sampler_args s = {.op = OZ_OP_CAUCHY, .n_scalars = 2};
  s.scalars[0] = oz_make_scalar_f(median), s.scalars[1] = oz_make_scalar_f(sigma);
  return sample_inplace("cauchy_", "CauchyBackward0", &s, t, NULL, gen);
}

int oz_log_normal_(oz_tensor *t, double mean, double std, oz_generator *gen) {
  if (!(std > 0.0))
    return oz_set_error(OZ_ERR_RUNTIME, "log_normal_ expects std > 0.0, but found std=%g", std);
  if (oz_random_require_floating(t, "log_normal_cpu") != OZ_OK) return oz_last_error_code();
  sampler_args s = {.op = OZ_OP_LOG_NORMAL, .n_scalars = 2};
  s.scalars[0] = oz_make_scalar_f(mean), s.scalars[1] = oz_make_scalar_f(std);
  return sample_inplace("log_normal_", "LogNormalBackward0", &s, t, NULL, gen);
}

/* ---- functional samplers ---- */

/* The result of a functional sampler: out checked and resized, or a new tensor. */
static oz_tensor *result_tensor(oz_tensor *out, const oz_tensor *like, int ndim,
                                const int64_t *shape, int dtype, oz_device device) {
  if (out) {
    if (oz_check_out(out, false, ndim, shape, dtype, device) != OZ_OK) return NULL;
    oz_tensor_incref(out);
    return out;
  }
  return like ? oz_empty_like_layout(like, ndim, shape, dtype, device)
              : oz_empty(ndim, shape, dtype, device);
}

oz_tensor *oz_normal(const oz_tensor *mean, const oz_tensor *std, oz_generator *gen,
                     oz_tensor *out) {
  if (std->is_wrapped_number) {
    double sv = 0.0;
    int64_t unused;
    if (oz_read_element(std, 0, &sv, &unused) != OZ_OK) return NULL;
    if (!(sv >= 0.0)) {
      oz_set_error(OZ_ERR_RUNTIME, "normal expects std >= 0.0, but found std %g", sv);
      return NULL;
    }
  }
  const int dtype = out ? out->dtype : !mean->is_wrapped_number ? mean->dtype : std->dtype;
  if (!oz_dtype_is_floating(dtype)) {
    oz_set_error(OZ_ERR_RUNTIME, "\"normal_kernel_cpu\" not implemented for '%s'",
                 oz_dtype_scalar_type_name(dtype));
    return NULL;
  }
  const oz_tensor *both[2] = {mean, std};
  oz_device device;
  int ndim;
  int64_t shape[OZ_MAX_DIMS];
  if (oz_common_device(both, 2, &device) != OZ_OK ||
      oz_broadcast_shapes(mean->ndim, mean->shape, std->ndim, std->shape, &ndim, shape) != OZ_OK)
    return NULL;
  /* torch's normal(Tensor mean, float std, out=) draws in out's shape broadcast with mean's
   * (an out of [2, 3] stays [2, 3] for a mean of [3]); its other forms resize out. */
  if (out && std->is_wrapped_number && !mean->is_wrapped_number) {
    int64_t mean_shape[OZ_MAX_DIMS];
    memcpy(mean_shape, shape, sizeof mean_shape);
    if (oz_broadcast_shapes(ndim, mean_shape, out->ndim, out->shape, &ndim, shape) != OZ_OK)
      return NULL;
  }
  /* torch's names for normal(Tensor, float), normal(float, Tensor), normal(Tensor, Tensor) */
  const oz_tensor *grad_ins[2];
  int n_grad = 0;
  if (!mean->is_wrapped_number) grad_ins[n_grad++] = mean;
  if (!std->is_wrapped_number) grad_ins[n_grad++] = std;
  const char *node_name = mean->is_wrapped_number ? "NormalBackward2"
                          : std->is_wrapped_number ? "NormalBackward1"
                                                   : "NormalBackward3";
  oz_node *n = NULL;
  if (oz_grad_begin("normal", node_name, oz_random_zero_backward, grad_ins, n_grad, out, &n) !=
      OZ_OK)
    return NULL;
  oz_tensor *result = result_tensor(out, NULL, ndim, shape, dtype, device);
  int rc = result ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK && out) {
    rc = oz_check_partial_overlap(out, mean);
    if (rc == OZ_OK) rc = oz_check_partial_overlap(out, std);
  }
  sampler_args s = {.op = OZ_OP_NORMAL, .n_in = 2};
  oz_tensor *cast[2] = {NULL, NULL}, *expanded[2] = {NULL, NULL};
  for (int i = 0; i < 2 && rc == OZ_OK; i++) {
    cast[i] = oz_operand_as(both[i], dtype, device);
    expanded[i] = cast[i] ? oz_expand(cast[i], ndim, shape) : NULL;
    if (!expanded[i]) rc = oz_last_error_code();
    s.ins[i] = expanded[i];
  }
  if (rc == OZ_OK) rc = dispatch_sampler(&s, result, (uint64_t)oz_numel(result), gen);
  for (int i = 0; i < 2; i++) oz_tensor_decref(cast[i]), oz_tensor_decref(expanded[i]);
  if (rc != OZ_OK) {
    oz_tensor_decref(result);
    result = NULL;
  }
  return oz_grad_end(n, result, out);
}

oz_tensor *oz_bernoulli(const oz_tensor *p, oz_generator *gen, oz_tensor *out) {
  if (oz_random_require_floating(p, "bernoulli_tensor_cpu_p_") != OZ_OK) return NULL;
  const int dtype = out ? out->dtype : p->dtype;
  const oz_device device = oz_tensor_device(p);
  oz_node *n = NULL;
  if (oz_grad_begin("bernoulli", "BernoulliBackward0", oz_random_zero_backward, &p, 1, out, &n) !=
      OZ_OK)
    return NULL;
  oz_tensor *result = result_tensor(out, p, p->ndim, p->shape, dtype, device);
  int rc = result ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK && out) rc = oz_check_partial_overlap(out, p);
  sampler_args s = {.op = OZ_OP_BERNOULLI, .n_in = 1};
  oz_tensor *p64 = rc == OZ_OK ? oz_operand_as(p, OZ_FLOAT64, device) : NULL;
  if (rc == OZ_OK && !p64) rc = oz_last_error_code();
  s.ins[0] = p64;
  if (rc == OZ_OK) rc = dispatch_sampler(&s, result, (uint64_t)oz_numel(result), gen);
  oz_tensor_decref(p64);
  if (rc != OZ_OK) {
    oz_tensor_decref(result);
    result = NULL;
  }
  return oz_grad_end(n, result, out);
}

oz_tensor *oz_bernoulli_p(const oz_tensor *input, double p, oz_generator *gen) {
  oz_tensor *r = oz_empty_like_layout(input, input->ndim, input->shape, input->dtype,
                                      oz_tensor_device(input));
  if (r && oz_bernoulli_(r, p, gen) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

oz_tensor *oz_multinomial(const oz_tensor *probs, int64_t num_samples, bool replacement,
                          oz_generator *gen, oz_tensor *out) {
  if (!oz_dtype_is_floating(probs->dtype)) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "multinomial only supports floating-point dtypes for input, got: %s",
                 oz_dtype_scalar_type_name(probs->dtype));
    return NULL;
  }
  if (out && out->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_RUNTIME, "multinomial expects Long tensor out, got: %s",
                 oz_dtype_scalar_type_name(out->dtype));
    return NULL;
  }
  if (probs->ndim != 1 && probs->ndim != 2) {
    oz_set_error(OZ_ERR_RUNTIME, "prob_dist must be 1 or 2 dim");
    return NULL;
  }
  const int64_t n_cat = probs->shape[probs->ndim - 1];
  const int64_t n_dist = probs->ndim == 2 ? probs->shape[0] : 1;
  if (num_samples <= 0) {
    oz_set_error(OZ_ERR_RUNTIME, "cannot sample n_sample <= 0 samples");
    return NULL;
  }
  if (!replacement && num_samples > n_cat) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
    return NULL;
  }
  if (n_cat > (INT64_C(1) << 24)) {
    oz_set_error(OZ_ERR_RUNTIME, "number of categories cannot exceed 2^24");
    return NULL;
  }
  const oz_device device = oz_tensor_device(probs);
  const int64_t shape[2] = {n_dist, num_samples};
  const int ndim = probs->ndim;
  oz_tensor *result = result_tensor(out, NULL, ndim, shape + (2 - ndim), OZ_INT64, device);
  if (!result) return NULL;
  /* the kernel sees rows: [D, C] weights and [D, S] samples */
  oz_tensor *p2 = ndim == 2 ? oz_alias(probs) : oz_unsqueeze(probs, 0);
  oz_tensor *r2 = ndim == 2 ? oz_alias(result) : oz_unsqueeze(result, 0);
  int rc = p2 && r2 ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) rc = oz_check_internal_overlap(result);
  if (rc == OZ_OK) {
    sampler_args s = {.op = OZ_OP_MULTINOMIAL, .n_in = 1, .n_ints = 1};
    s.ins[0] = p2;
    s.ints[0] = replacement;
    rc = dispatch_sampler(&s, r2, (uint64_t)(n_dist * (replacement ? num_samples : n_cat)), gen);
  }
  oz_tensor_decref(p2), oz_tensor_decref(r2);
  if (rc != OZ_OK) {
    oz_tensor_decref(result);
    return NULL;
  }
  if (out) oz_bump_version(out);
  return result;
}

/* randperm's limits: n - 1 must be exact in the dtype. */
static int check_randperm_n(int64_t n, int dtype) {
  static const struct {
    int dtype;
    int64_t max_n;
    const char *msg;
  } limits[] = {
      {OZ_UINT8, 256, "value cannot be converted to type uint8_t without overflow"},
      {OZ_INT8, 128, "value cannot be converted to type int8_t without overflow"},
      {OZ_INT16, 32768, "value cannot be converted to type int16_t without overflow"},
      {OZ_INT32, INT64_C(1) << 31, "value cannot be converted to type int32_t without overflow"},
      {OZ_FLOAT32, (INT64_C(1) << 24) + 1, "n cannot be greater than 2^24+1 for Float type."},
      {OZ_FLOAT64, (INT64_C(1) << 53) + 1, "n cannot be greater than 2^53+1 for Double type."},
  };
  if (dtype == OZ_BOOL)
    return oz_set_error(OZ_ERR_RUNTIME, "\"randperm\" not implemented for 'Bool'");
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
    if (limits[i].dtype == dtype && n > limits[i].max_n)
      return oz_set_error(OZ_ERR_RUNTIME, "%s", limits[i].msg);
  return OZ_OK;
}

oz_tensor *oz_randperm(int64_t n, int dtype, oz_device device, oz_generator *gen,
                       oz_tensor *out) {
  if (n < 0) {
    oz_set_error(OZ_ERR_RUNTIME, "Trying to create tensor with negative dimension %" PRId64
                 ": [%" PRId64 "]", n, n);
    return NULL;
  }
  const int eff = dtype >= 0 ? dtype : out ? out->dtype : OZ_INT64;
  if (check_randperm_n(n, eff) != OZ_OK) return NULL;
  oz_tensor *r = oz_factory_target(1, &n, dtype, OZ_INT64, device, out);
  if (!r) return NULL;
  sampler_args s = {.op = OZ_OP_RANDPERM};
  if (dispatch_sampler(&s, r, (uint64_t)n, gen) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  if (out) oz_bump_version(out);
  return r;
}
