/* oz_ops_random.h - front-ends of the random family: sampling (in place and as factories) and
 * the creation functions that come with it (linspace, logspace, eye, empty_strided).
 *
 * Conventions are oz_ops.h's. In addition:
 *  - `gen` NULL means the default generator of the tensor's device (oz_random.h); a generator of
 *    another device type is a RuntimeError. Every sampler reserves the blocks it draws from the
 *    generator, so the numbers depend only on (seed, offset), never on the layout of the output:
 *    element [i, j] of a transposed output gets what it would get in a contiguous one.
 *  - In-place samplers (`*_`) write into t, bump its version, and record PyTorch's backward node
 *    (UniformBackward0, NormalBackward0, ...: the gradient through a random overwrite is zero)
 *    when t has history; a leaf that requires grad is refused while grad mode is on.
 *  - Exceptions and messages follow PyTorch 1.13 (RuntimeError for bad values and dtypes).
 */
#ifndef OZ_OPS_RANDOM_H
#define OZ_OPS_RANDOM_H

#include "core/oz_ops.h"
#include "core/oz_random.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- in-place samplers (random_sample.c) ---- */
int oz_uniform_(oz_tensor *t, double from, double to, oz_generator *gen);
int oz_normal_(oz_tensor *t, double mean, double std, oz_generator *gen);
/* torch's three random_ overloads: random_() is [0, 2^mantissa] for floating dtypes and
 * [0, max] for integral ones; random_(to) is [0, to); random_(from, to) is [from, to), and
 * random_(from, None) is [from, max]. Pass has_from/has_to accordingly. */
int oz_random_(oz_tensor *t, bool has_from, int64_t from, bool has_to, int64_t to,
               oz_generator *gen);
int oz_bernoulli_(oz_tensor *t, double p, oz_generator *gen);
/* p: floating, broadcastable to t's shape. */
int oz_bernoulli_tensor_(oz_tensor *t, const oz_tensor *p, oz_generator *gen);
int oz_exponential_(oz_tensor *t, double lambd, oz_generator *gen);
int oz_geometric_(oz_tensor *t, double p, oz_generator *gen);
int oz_cauchy_(oz_tensor *t, double median, double sigma, oz_generator *gen);
int oz_log_normal_(oz_tensor *t, double mean, double std, oz_generator *gen);

/* ---- functional samplers (random_sample.c) ---- */
/* torch.normal(mean, std) for tensors; a Python float is passed as a wrapped number. The result
 * has mean's dtype (std's when mean is a number), or out's, and the broadcast shape. */
oz_tensor *oz_normal(const oz_tensor *mean, const oz_tensor *std, oz_generator *gen,
                     oz_tensor *out);
/* torch.bernoulli(input): draws with probabilities input (floating); input's dtype or out's. */
oz_tensor *oz_bernoulli(const oz_tensor *p, oz_generator *gen, oz_tensor *out);
/* torch.bernoulli(input, p): a tensor like input drawn with probability p (no history, as in
 * torch). */
oz_tensor *oz_bernoulli_p(const oz_tensor *input, double p, oz_generator *gen);
/* torch.multinomial: probs 1-d or 2-d (floating), int64 result [num_samples] / [rows, n]. */
oz_tensor *oz_multinomial(const oz_tensor *probs, int64_t num_samples, bool replacement,
                          oz_generator *gen, oz_tensor *out);
oz_tensor *oz_randperm(int64_t n, int dtype, oz_device device, oz_generator *gen,
                       oz_tensor *out);

/* ---- creation (creation.c) ---- */
/* The tensor a factory writes: out (resized to shape; RuntimeError "dtype Float does not match
 * dtype of out parameter (Double)" when a dtype >= 0 was asked for and differs) or a new
 * contiguous tensor of `dtype`, or `default_dtype` when dtype < 0. New reference. */
oz_tensor *oz_factory_target(int ndim, const int64_t *shape, int dtype, int default_dtype,
                             oz_device device, oz_tensor *out);
/* dtype < 0: out's dtype, else the default float dtype. */
oz_tensor *oz_linspace(oz_scalar start, oz_scalar end, int64_t steps, int dtype, oz_device device,
                       oz_tensor *out);
oz_tensor *oz_logspace(oz_scalar start, oz_scalar end, int64_t steps, double base, int dtype,
                       oz_device device, oz_tensor *out);
/* torch.eye(n, m): m < 0 is an error, so pass n for eye(n). */
oz_tensor *oz_eye(int64_t n, int64_t m, int dtype, oz_device device, oz_tensor *out);
oz_tensor *oz_empty_strided(int ndim, const int64_t *shape, int n_strides,
                            const int64_t *strides, int dtype, oz_device device);

#ifdef __cplusplus
}
#endif
#endif /* OZ_OPS_RANDOM_H */
