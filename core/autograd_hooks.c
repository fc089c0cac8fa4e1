/* autograd_hooks.c - Tensor.register_hook: hooks on the gradient of one tensor. A leaf keeps its
 * hooks itself (they run before accumulation into .grad); a non-leaf's live on its grad_fn as
 * pre-hooks of its output, as in PyTorch, and run on the summed gradient before the node's
 * backward. */
#include <stdlib.h>

#include "core/autograd_internal.h"
#include "core/oz_error.h"

static int64_t next_id = 1;

static void free_hooks(oz_grad_hook *h) {
  while (h) {
    oz_grad_hook *next = h->next;
    if (h->release) h->release(h->ctx);
    free(h);
    h = next;
  }
}

void oz_free_grad_hooks(oz_grad_hook *h) { free_hooks(h); }

int64_t oz_register_grad_hook(oz_tensor *t, oz_grad_hook_fn fn, void *ctx,
                              void (*release)(void *ctx)) {
  if (!oz_requires_grad(t)) {
    oz_set_error(OZ_ERR_RUNTIME, "cannot register a hook on a tensor that doesn't require "
                                 "gradient");
    return -1;
  }
  oz_autograd_meta *m = oz_autograd_meta_get(t);
  oz_grad_hook *h = m ? calloc(1, sizeof *h) : NULL;
  if (!h) {
    oz_set_error(OZ_ERR_NOMEM, "out of memory registering a hook");
    return -1;
  }
  *h = (oz_grad_hook){fn, ctx, release, next_id++, m->grad_fn ? m->output_nr : 0, NULL};
  oz_grad_hook **tail = m->grad_fn ? &m->grad_fn->pre_hooks : &m->hooks;
  while (*tail) tail = &(*tail)->next;
  *tail = h;
  return h->id;
}

static bool remove_from(oz_grad_hook **list, int64_t id) {
  for (; *list; list = &(*list)->next)
    if ((*list)->id == id) {
      oz_grad_hook *h = *list;
      *list = h->next;
      h->next = NULL;
      free_hooks(h);
      return true;
    }
  return false;
}

bool oz_remove_grad_hook(oz_tensor *t, int64_t id) {
  oz_autograd_meta *m = t->autograd;
  if (!m) return false;
  return remove_from(&m->hooks, id) || (m->grad_fn && remove_from(&m->grad_fn->pre_hooks, id));
}

int oz_run_grad_hooks(const oz_grad_hook *h, oz_tensor **grads, int n_grads) {
  for (; h; h = h->next) {
    if (h->output_nr < 0 || h->output_nr >= n_grads || !grads[h->output_nr]) continue;
    oz_clear_error();
    int rc = h->fn(h->ctx, &grads[h->output_nr]);
    if (rc != OZ_OK)
      return oz_last_error_code() ? oz_last_error_code()
                                  : oz_set_error(rc, "a gradient hook failed");
  }
  return OZ_OK;
}
