/* nn_gather.c - embedding, padding (constant, reflect, replicate, circular) and dropout.
 * embedding and the non-constant pads are kernels with fused backward ops, applied as linear
 * maps (nn_linear_apply) so that they are differentiable again; constant_pad_nd is a
 * composite of core ops (fill, then copy the input into the middle), so its backward is itself
 * with the padding negated and double backward works; dropout is torch's composite: input times
 * bernoulli(1 - p) / (1 - p) noise from the random family's default generator. */
#include <math.h>

#include "core/nn_internal.h"
#include "core/oz_ops_index.h"
#include "core/oz_ops_random.h"

/* =============================== embedding =============================== */

/* The weight gradient scatters gradient rows to their indices (row padding_idx left 0); its
 * adjoint looks rows up again, padding_idx's as zeros. operands[0]: the flattened int64
 * indices; ints[0]: padding_idx. */
static oz_tensor *run_embedding_backward(const nn_linear_map *map, const oz_tensor *g,
                                         const oz_input_meta *out, const nn_linear_args *a) {
  const oz_tensor *idx = a->operands[0];
  const int64_t kd[2] = {idx->shape[0], out->shape[1]};
  oz_tensor *g2 = oz_view_shape(g, 2, kd);
  oz_tensor *r = g2 ? nn_empty(g, 2, out->shape, g->dtype) : NULL;
  const oz_tensor *ins[2] = {g2, idx};
  if (r && nn_run(map->op, ins, 2, &r, 1, a->ints, 1, NULL, 0) != OZ_OK)
    oz_tensor_decref(r), r = NULL;
  oz_tensor_decref(g2);
  return r;
}

static oz_tensor *run_embedding_lookup(const nn_linear_map *map, const oz_tensor *w,
                                       const oz_input_meta *out, const nn_linear_args *a) {
  const oz_tensor *idx = a->operands[0];
  oz_tensor *rows = nn_empty(w, 2, (const int64_t[]){idx->shape[0], w->shape[1]}, w->dtype);
  const oz_tensor *ins[2] = {w, idx};
  if (rows && nn_run(map->op, ins, 2, &rows, 1, NULL, 0, NULL, 0) != OZ_OK)
    oz_tensor_decref(rows), rows = NULL;
  if (rows && a->ints[0] >= 0) { /* padding_idx's rows got no gradient */
    oz_tensor *pad = oz_wrapped_scalar((double)a->ints[0], a->ints[0], OZ_INT64);
    oz_tensor *zero = pad ? oz_wrapped_scalar(0.0, 0, OZ_FLOAT64) : NULL;
    oz_tensor *hit = zero ? oz_compare(OZ_OP_EQ, idx, pad, NULL) : NULL;
    oz_tensor *mask = hit ? oz_unsqueeze(hit, 1) : NULL;
    oz_tensor *done = mask ? oz_masked_fill(rows, mask, zero, rows) : NULL;
    if (!done) oz_tensor_decref(rows), rows = NULL;
    oz_tensor_decref(pad), oz_tensor_decref(zero), oz_tensor_decref(hit);
    oz_tensor_decref(mask), oz_tensor_decref(done);
  }
  oz_tensor *r = rows ? oz_view_shape(rows, out->ndim, out->shape) : NULL;
  oz_tensor_decref(rows);
  return r;
}

static const char *const embedding_backward_names[] = {"EmbeddingDenseBackwardBackward0"};
static const char *const embedding_names[] = {"EmbeddingBackward0"};
static const nn_linear_map embedding_scatter, embedding_lookup;
static const nn_linear_map embedding_scatter = {embedding_backward_names, run_embedding_backward,
                                                OZ_OP_EMBEDDING_BACKWARD, &embedding_lookup,
                                                false};
static const nn_linear_map embedding_lookup = {embedding_names, run_embedding_lookup,
                                               OZ_OP_EMBEDDING, &embedding_scatter, false};

/* saved[0]: the indices, flattened int64; ints[0] padding_idx */
static int embedding_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *idx = nn_saved(n, 0);
  if (!idx) return oz_last_error_code();
  const nn_linear_args a = {{idx, NULL}, 1, n->ints, 1, 0};
  gin[0] = nn_linear_apply(&embedding_scatter, g[0], &n->in_meta[0], &a, NULL, 0);
  oz_tensor_decref(idx);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_embedding(const oz_tensor *weight, const oz_tensor *indices, int64_t padding_idx) {
  if (indices->dtype != OZ_INT64 && indices->dtype != OZ_INT32) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Expected tensor for argument #1 'indices' to have one of the following scalar "
                 "types: Long, Int; but got torch.%sTensor instead (while checking arguments for "
                 "embedding)",
                 oz_dtype_scalar_type_name(indices->dtype));
    return NULL;
  }
  if (weight->ndim != 2) {
    oz_set_error(OZ_ERR_RUNTIME, "'weight' must be 2-D");
    return NULL;
  }
  if (indices->ndim + 1 > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "embedding: indices have too many dims (%d)", indices->ndim);
    return NULL;
  }
  oz_node *node;
  if (oz_grad_begin("embedding", "EmbeddingBackward0", embedding_backward, &weight, 1, NULL,
                    &node) != OZ_OK)
    return NULL;
  const int64_t K = oz_numel(indices), D = weight->shape[1];
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, indices->shape, sizeof(int64_t) * (size_t)indices->ndim);
  shape[indices->ndim] = D;
  oz_tensor *ic = nn_contiguous_as(indices, OZ_INT64);
  oz_tensor *idx = ic ? oz_view_shape(ic, 1, &K) : NULL;
  oz_tensor *w = idx ? oz_contiguous(weight) : NULL;
  oz_tensor *out = w ? nn_empty(weight, 2, (const int64_t[]){K, D}, weight->dtype) : NULL;
  oz_tensor *result = NULL;
  const oz_tensor *ins[2] = {w, idx};
  if (!out || nn_run(OZ_OP_EMBEDDING, ins, 2, &out, 1, NULL, 0, NULL, 0) != OZ_OK) goto done;
  result = oz_view_shape(out, indices->ndim + 1, shape);
  if (result && node) {
    node->ints[node->n_ints++] = padding_idx;
    if (oz_node_save(node, idx) != OZ_OK) oz_tensor_decref(result), result = NULL;
  }
done:
  result = oz_grad_end(node, result, NULL);
  oz_tensor_decref(ic), oz_tensor_decref(idx), oz_tensor_decref(w), oz_tensor_decref(out);
  return result;
}

/* ============================ constant padding ============================ */

/* ints: the pads */
static int constant_pad_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int64_t neg[2 * OZ_MAX_DIMS];
  for (int i = 0; i < n->n_ints; i++) neg[i] = -n->ints[i];
  gin[0] = oz_constant_pad_nd(g[0], n->n_ints, neg, 0.0);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_constant_pad_nd(const oz_tensor *input, int n_pad, const int64_t *pad,
                              double value) {
  if (n_pad % 2) {
    oz_set_error(OZ_ERR_RUNTIME, "Length of pad must be even but instead it equals %d", n_pad);
    return NULL;
  }
  if (n_pad / 2 > input->ndim) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Length of pad should be no more than twice the number of dimensions of the "
                 "input. Pad length is %dwhile the input has %ddimensions.",
                 n_pad, input->ndim);
    return NULL;
  }
  /* pad[2i], pad[2i+1] pad dim ndim-1-i */
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, input->shape, sizeof(int64_t) * (size_t)input->ndim);
  for (int i = 0; i < n_pad / 2; i++) {
    const int d = input->ndim - 1 - i;
    shape[d] = input->shape[d] + pad[2 * i] + pad[2 * i + 1];
    if (shape[d] < 0) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "The input size %lld, plus negative padding %lld and %lld resulted in a "
                   "negative output size, which is invalid. Check dimension %d of your input.",
                   (long long)input->shape[d], (long long)pad[2 * i], (long long)pad[2 * i + 1],
                   d);
      return NULL;
    }
  }
  oz_node *node;
  if (oz_grad_begin("constant_pad_nd", "ConstantPadNdBackward0", constant_pad_backward, &input, 1,
                    NULL, &node) != OZ_OK)
    return NULL;
  oz_scalar v = oz_make_scalar_f(value);
  v.i = isfinite(value) && fabs(value) < 9.2e18 ? (int64_t)value : 0;
  oz_tensor *result = oz_full(input->ndim, shape, v, input->dtype, oz_tensor_device(input));
  /* the part of the input that survives cropping goes where the padding leaves room */
  oz_tensor *src = NULL, *dst = NULL;
  if (result) {
    oz_tensor_incref((oz_tensor *)input), src = (oz_tensor *)input;
    oz_tensor_incref(result), dst = result;
  }
  for (int i = 0; i < n_pad / 2 && dst && src; i++) {
    const int d = input->ndim - 1 - i;
    const int64_t lo = pad[2 * i], hi = pad[2 * i + 1];
    oz_tensor *s2 = oz_slice(src, d, lo < 0 ? -lo : 0, src->shape[d] - (hi < 0 ? -hi : 0), 1);
    oz_tensor *d2 = oz_slice(dst, d, lo > 0 ? lo : 0, dst->shape[d] - (hi > 0 ? hi : 0), 1);
    oz_tensor_decref(src), oz_tensor_decref(dst);
    src = s2, dst = d2;
  }
  if (!src || !dst || (oz_numel(dst) > 0 && oz_copy_(dst, src) != OZ_OK))
    oz_tensor_decref(result), result = NULL;
  oz_tensor_decref(src), oz_tensor_decref(dst);
  if (result && node) {
    for (int i = 0; i < n_pad; i++) node->ints[i] = pad[i];
    node->n_ints = n_pad;
  }
  return oz_grad_end(node, result, NULL);
}

/* ==================== reflect / replicate / circular padding ==================== */

/* PAD_BACKWARD sums the gradient back onto the elements each output read; its adjoint is PAD
 * itself. Variant: mode * 3 + padded dims - 1. */
static const char *const pad_backward_names[9] = {
    "ReflectionPad1DBackwardBackward0",  "ReflectionPad2DBackwardBackward0",
    "ReflectionPad3DBackwardBackward0",  "ReplicationPad1DBackwardBackward0",
    "ReplicationPad2DBackwardBackward0", "ReplicationPad3DBackwardBackward0",
    "SliceBackwardBackward0",            "SliceBackwardBackward0",
    "SliceBackwardBackward0"};
static const char *const pad_names[9] = {
    "ReflectionPad1DBackward0",    "ReflectionPad2DBackward0",    "ReflectionPad3DBackward0",
    "ReplicationPad1DBackward0",   "ReplicationPad2DBackward0",   "ReplicationPad3DBackward0",
    "torch::autograd::CopySlices", "torch::autograd::CopySlices", "torch::autograd::CopySlices"};
static const nn_linear_map pad_backward_map, pad_map;
static const nn_linear_map pad_backward_map = {pad_backward_names, nn_linear_run_kernel,
                                               OZ_OP_PAD_BACKWARD, &pad_map, true};
static const nn_linear_map pad_map = {pad_names, nn_linear_run_kernel, OZ_OP_PAD,
                                      &pad_backward_map, false};

/* ints: [0] mode, [1] padded dims p, then (before, after) per padded dim, outermost first */
static int pad_mode_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const int mode = (int)n->ints[0];
  const nn_linear_args a = {{NULL, NULL}, 0, n->ints, n->n_ints, mode * 3 + (int)n->ints[1] - 1};
  /* torch's circular padding is a composite of slices: its gradient does not take the input */
  gin[0] = nn_linear_apply(&pad_backward_map, g[0], &n->in_meta[0], &a, mode == 2 ? NULL : n, 0);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

static const char *const pad_kernels[3][3] = {
    {"reflection_pad1d", "reflection_pad2d", "reflection_pad3d"},
    {"replication_pad1d_cpu", "replication_pad2d_cpu", "replication_pad3d_cpu"},
    {NULL, NULL, NULL}};
static const char *const pad_nodes[3][3] = {
    {"ReflectionPad1DBackward0", "ReflectionPad2DBackward0", "ReflectionPad3DBackward0"},
    {"ReplicationPad1DBackward0", "ReplicationPad2DBackward0", "ReplicationPad3DBackward0"},
    {"torch::autograd::CopySlices", "torch::autograd::CopySlices",
     "torch::autograd::CopySlices"}};

/* torch's checks for each mode; fills the output shape. */
static int pad_mode_check(const oz_tensor *x, int p, const int64_t *pad, int mode,
                          int64_t *shape) {
  char s[256];
  if (mode == 2 && 2 * (x->ndim - 2) != 2 * p)
    return oz_set_error(OZ_ERR_RUNTIME, "Invalid padding size, expected %d but got %d",
                        2 * (x->ndim - 2), 2 * p);
  if (mode != 2 && nn_require_floating(pad_kernels[mode][p - 1], x) != OZ_OK)
    return oz_last_error_code();
  memcpy(shape, x->shape, sizeof(int64_t) * (size_t)x->ndim);
  for (int i = 0; i < p; i++) {
    const int d = x->ndim - 1 - i;
    const int64_t lo = pad[2 * i], hi = pad[2 * i + 1], n = x->shape[d];
    if (mode != 2) { /* reflect and replicate need every non-batch dim non-empty */
      for (int e = x->ndim - p - 1; e < x->ndim; e++)
        if (x->shape[e] == 0)
          return oz_set_error(OZ_ERR_RUNTIME,
                              "Expected %dD or %dD (batch mode) tensor with possibly 0 batch size "
                              "and other non-zero dimensions for input, but got: %s",
                              p + 1, p + 2, oz_shape_str(s, sizeof s, x->ndim, x->shape));
    }
    if (mode == 0 && (lo >= n || hi >= n))
      return oz_set_error(OZ_ERR_RUNTIME,
                          "Argument #4: Padding size should be less than the corresponding input "
                          "dimension, but got: padding (%lld, %lld) at dimension %d of input %s",
                          (long long)lo, (long long)hi, d,
                          oz_shape_str(s, sizeof s, x->ndim, x->shape));
    if (mode == 2 && (lo > n || hi > n))
      return oz_set_error(OZ_ERR_RUNTIME, "Padding value causes wrapping around more than once.");
    shape[d] = n + lo + hi;
    if (mode == 2 && shape[d] > 0 && n - (lo < 0 ? -lo : 0) - (hi < 0 ? -hi : 0) <= 0)
      return oz_set_error(OZ_ERR_RUNTIME, "Padding value causes wrapping around more than once.");
    if (mode != 2 && shape[d] < 1)
      return oz_set_error(OZ_ERR_RUNTIME, "input (W: %lld) is too small. Calculated output W: %lld",
                          (long long)n, (long long)shape[d]);
  }
  return OZ_OK;
}

oz_tensor *oz_pad_mode(const oz_tensor *input, int n_pad, const int64_t *pad, int mode) {
  const int p = n_pad / 2;
  int64_t shape[OZ_MAX_DIMS];
  if (mode < 0 || mode > 2 || n_pad % 2 || p < 1 || p > 3 || p > input->ndim) {
    oz_set_error(OZ_ERR_RUNTIME, "oz_pad_mode: mode %d with %d pads is not supported", mode,
                 n_pad);
    return NULL;
  }
  if (pad_mode_check(input, p, pad, mode, shape) != OZ_OK) return NULL;
  oz_node *node;
  if (oz_grad_begin("pad", pad_nodes[mode][p - 1], pad_mode_backward, &input, 1, NULL, &node) !=
      OZ_OK)
    return NULL;
  /* kernel ints: the padded dims outermost first (F.pad lists the last dim first) */
  int64_t ki[2 + 6] = {mode, p};
  for (int i = 0; i < p; i++) {
    ki[2 + 2 * i] = pad[2 * (p - 1 - i)];
    ki[3 + 2 * i] = pad[2 * (p - 1 - i) + 1];
  }
  oz_tensor *x = oz_contiguous(input);
  oz_tensor *y = x ? nn_empty(input, input->ndim, shape, input->dtype) : NULL;
  if (y && nn_run(OZ_OP_PAD, (const oz_tensor *const *)&x, 1, &y, 1, ki, 2 + 2 * p, NULL, 0) !=
               OZ_OK)
    oz_tensor_decref(y), y = NULL;
  if (y && node) {
    memcpy(node->ints, ki, sizeof(int64_t) * (size_t)(2 + 2 * p));
    node->n_ints = 2 + 2 * p;
  }
  oz_tensor_decref(x);
  return oz_grad_end(node, y, NULL);
}

/* ================================ dropout ================================ */

oz_tensor *oz_dropout(oz_tensor *input, double p, bool train, bool inplace) {
  if (!(p >= 0 && p <= 1)) {
    oz_set_error(OZ_ERR_RUNTIME, "dropout probability has to be between 0 and 1, but got %g", p);
    return NULL;
  }
  oz_tensor *out = inplace ? input : NULL;
  if (p == 0 || !train || oz_numel(input) == 0) {
    oz_tensor_incref(input);
    return input;
  }
  oz_tensor *noise;
  if (p == 1) {
    noise = oz_full(0, NULL, oz_make_scalar_f(0.0), input->dtype, oz_tensor_device(input));
  } else {
    /* noise = bernoulli(1 - p) / (1 - p), drawn like torch's empty_like(input).bernoulli_() */
    bool prev = nn_grad_off();
    noise = oz_empty(input->ndim, input->shape, input->dtype, oz_tensor_device(input));
    oz_tensor *keep = noise ? oz_wrapped_scalar(1 - p, 0, OZ_FLOAT64) : NULL;
    oz_tensor *scaled = NULL;
    if (!keep || oz_bernoulli_(noise, 1 - p, NULL) != OZ_OK ||
        !(scaled = oz_div(noise, keep, noise)))
      oz_tensor_decref(noise), noise = NULL;
    oz_tensor_decref(keep), oz_tensor_decref(scaled);
    nn_grad_restore(prev);
  }
  oz_tensor *r = noise ? oz_mul(input, noise, out) : NULL;
  oz_tensor_decref(noise);
  return r;
}
