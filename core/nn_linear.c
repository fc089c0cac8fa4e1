/* nn_linear.c - the nn backward formulas that are linear in the gradient, as maps with an
 * adjoint (nn_internal.h). A recorded application's backward applies the adjoint map to the
 * incoming gradient, recorded in turn, which closes the set: the adjoint of the adjoint is the
 * map itself, so any order of derivative works. */
#include "core/nn_internal.h"

/* An application: inputs [0] t, [1] the forward input (zero gradient) when the map says so;
 * saved: the operands; ints: the kernel's ints, then the variant and the compute dtype;
 * extra: the map (static, not owned). */
static int linear_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const nn_linear_map *map = n->extra;
  const int n_ints = n->n_ints - 2;
  oz_tensor *ops[2] = {NULL, NULL};
  int rc = OZ_OK;
  for (int i = 0; i < n->n_saved && rc == OZ_OK; i++)
    if (!(ops[i] = nn_saved(n, i))) rc = oz_last_error_code();
  if (rc == OZ_OK && oz_node_needs_grad(n, 0)) {
    nn_linear_args a = {{ops[0], ops[1]}, n->n_saved, n->ints, n_ints, (int)n->ints[n_ints]};
    oz_input_meta out = n->in_meta[0];
    out.dtype = (int)n->ints[n_ints + 1];
    gin[0] = nn_linear_apply(map->adjoint, g[0], &out, &a, n, 0);
    if (!gin[0]) rc = oz_last_error_code();
  }
  if (rc == OZ_OK && n->n_inputs > 1 && oz_node_needs_grad(n, 1)) {
    const oz_input_meta *im = &n->in_meta[1];
    gin[1] = oz_full(im->ndim, im->shape, oz_make_scalar_f(0.0), im->dtype, im->device);
    if (!gin[1]) rc = oz_last_error_code();
  }
  oz_tensor_decref(ops[0]), oz_tensor_decref(ops[1]);
  return rc;
}

/* The node for an application of map to t, or NULL (with no error) when none is needed. */
static int linear_node(const nn_linear_map *map, const oz_tensor *t, const oz_input_meta *out,
                       const nn_linear_args *a, const oz_node *input_of, int input_nr,
                       oz_node **node) {
  *node = NULL;
  const bool with_input = map->zeros_for_input && input_of && input_of->next[input_nr].node;
  if (!oz_grad_enabled() || oz_inference_mode() || (!with_input && !oz_requires_grad(t)))
    return OZ_OK;
  if (a->n_ints + 2 > OZ_NODE_MAX_INTS)
    return oz_set_error(OZ_ERR_RUNTIME, "%s: too many ints", map->names[a->variant]);
  oz_node *n = oz_node_new(map->names[a->variant], linear_backward, with_input ? 2 : 1, 1);
  if (!n || oz_node_set_input(n, 0, t) != OZ_OK) goto fail;
  if (with_input) { /* the same edge as the forward's: x's history at the time it was used */
    n->next[1] = input_of->next[input_nr];
    oz_node_incref(n->next[1].node);
    n->in_meta[1] = input_of->in_meta[input_nr];
  }
  for (int i = 0; i < a->n_operands; i++)
    if (oz_node_save(n, a->operands[i]) != OZ_OK) goto fail;
  memcpy(n->ints, a->ints, sizeof(int64_t) * (size_t)a->n_ints);
  n->ints[a->n_ints] = a->variant;
  n->ints[a->n_ints + 1] = out->dtype;
  n->n_ints = a->n_ints + 2;
  n->extra = (void *)map;
  *node = n;
  return OZ_OK;
fail:
  if (n) oz_node_decref(n);
  return oz_last_error_code();
}

oz_tensor *nn_linear_apply(const nn_linear_map *map, const oz_tensor *t, const oz_input_meta *out,
                           const nn_linear_args *args, const oz_node *input_of, int input_nr) {
  oz_node *node;
  if (linear_node(map, t, out, args, input_of, input_nr, &node) != OZ_OK) return NULL;
  bool prev = nn_grad_off();
  oz_tensor *tc = nn_contiguous_as(t, out->dtype);
  oz_tensor *r = tc ? map->run(map, tc, out, args) : NULL;
  nn_grad_restore(prev);
  oz_tensor_decref(tc);
  return oz_grad_end(node, r, NULL);
}

/* The kernel call shared by the runners: in[0] t, then the operands. */
static oz_tensor *run_into(const nn_linear_map *map, const oz_tensor *t, int ndim,
                           const int64_t *shape, const nn_linear_args *a) {
  oz_tensor *r = nn_empty(t, ndim, shape, t->dtype);
  const oz_tensor *ins[3] = {t, a->operands[0], a->operands[1]};
  if (r && nn_run(map->op, ins, 1 + a->n_operands, &r, 1, a->ints, a->n_ints, NULL, 0) != OZ_OK)
    oz_tensor_decref(r), r = NULL;
  return r;
}

oz_tensor *nn_linear_run_planes(const nn_linear_map *map, const oz_tensor *t,
                                const oz_input_meta *out, const nn_linear_args *a) {
  const int64_t h = t->shape[t->ndim - 2], w = t->shape[t->ndim - 1];
  const int64_t planes = h * w != 0 ? oz_numel(t) / (h * w) : 0;
  const int64_t out3[3] = {planes, out->shape[out->ndim - 2], out->shape[out->ndim - 1]};
  oz_tensor *t3 = oz_view_shape(t, 3, (const int64_t[]){planes, h, w});
  oz_tensor *r3 = t3 ? run_into(map, t3, 3, out3, a) : NULL;
  oz_tensor *r = r3 ? oz_view_shape(r3, out->ndim, out->shape) : NULL;
  oz_tensor_decref(t3), oz_tensor_decref(r3);
  return r;
}

oz_tensor *nn_linear_run_kernel(const nn_linear_map *map, const oz_tensor *t,
                                const oz_input_meta *out, const nn_linear_args *a) {
  return run_into(map, t, out->ndim, out->shape, a);
}
