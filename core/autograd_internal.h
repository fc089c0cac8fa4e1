/* autograd_internal.h - what the autograd files share and nothing else uses. */
#ifndef OZ_AUTOGRAD_INTERNAL_H
#define OZ_AUTOGRAD_INTERNAL_H

#include "core/oz_autograd.h"

/* t's autograd state, allocated on first use; NULL (error set) when out of memory. */
oz_autograd_meta *oz_autograd_meta_get(oz_tensor *t);

/* core/autograd_hooks.c: frees a hook list (node or tensor death). */
void oz_free_grad_hooks(oz_grad_hook *hooks);

/* core/autograd_view_inplace.c */
/* Gives a view whose storage was written since its grad_fn was made a fresh grad_fn from its
 * base's current history (AsStridedBackward0). */
void oz_view_refresh(oz_tensor *view);
/* The part of oz_check_inplace that concerns views. */
int oz_view_check_inplace(const oz_tensor *t);
/* Records the in-place op `fn` (whose inputs are already set) that wrote through `view`: the
 * root base's history becomes CopySlices(old base history, fn) and the view's grad_fn a view of
 * that. */
int oz_view_inplace_rebase(oz_tensor *view, oz_node *fn);

#endif
