/* oz_views_grad.h - views, copies and casts as Python calls them: like their plain forms in
 * oz_tensor.h / oz_ops.h, plus autograd recording (ViewBackward0, TransposeBackward0, ...).
 * The plain forms stay for the core's own temporaries, which need no history. */
#ifndef OZ_VIEWS_GRAD_H
#define OZ_VIEWS_GRAD_H

#include "core/oz_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

oz_tensor *oz_ad_view(const oz_tensor *t, int ndim, const int64_t *shape);
oz_tensor *oz_ad_reshape(const oz_tensor *t, int ndim, const int64_t *shape);
oz_tensor *oz_ad_unsqueeze(const oz_tensor *t, int64_t dim);
oz_tensor *oz_ad_squeeze(const oz_tensor *t);
oz_tensor *oz_ad_squeeze_dim(const oz_tensor *t, int64_t dim);
oz_tensor *oz_ad_transpose(const oz_tensor *t, int64_t d0, int64_t d1);
oz_tensor *oz_ad_t(const oz_tensor *t); /* Tensor.t(): TBackward0 */
oz_tensor *oz_ad_permute(const oz_tensor *t, int ndim, const int64_t *dims);
oz_tensor *oz_ad_expand(const oz_tensor *t, int ndim, const int64_t *shape);
oz_tensor *oz_ad_select(const oz_tensor *t, int64_t dim, int64_t index);
oz_tensor *oz_ad_slice(const oz_tensor *t, int64_t dim, int64_t start, int64_t end, int64_t step);
oz_tensor *oz_ad_alias(const oz_tensor *t);
oz_tensor *oz_ad_clone(const oz_tensor *t);
oz_tensor *oz_ad_contiguous(const oz_tensor *t);
/* .to(dtype, device): t itself (new reference) when nothing changes and !copy. */
oz_tensor *oz_ad_to(const oz_tensor *t, int dtype, oz_device device, bool copy);
int oz_ad_copy_(oz_tensor *dst, const oz_tensor *src);
int oz_ad_fill_(oz_tensor *t, oz_scalar value);
/* fill_ with a 0-d tensor value: the value gets a gradient too (FillBackward1). */
int oz_ad_fill_tensor_(oz_tensor *t, const oz_tensor *value);

#ifdef __cplusplus
}
#endif
#endif
