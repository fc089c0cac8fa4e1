/* oz_tensor.h - the tensor: refcounted storage, dtype, shape, strides, storage offset, views.
 *
 * Ownership: every function returning oz_tensor* returns a NEW reference (refcount already
 * counted for the caller) or NULL with the last error set. Release with oz_tensor_decref.
 * Views share their base's storage (the storage is refcounted separately), exactly where
 * PyTorch's views do. */
#ifndef OZ_TENSOR_H
#define OZ_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dispatch/oz_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oz_device {
  int32_t type;  /* oz_device_type */
  int32_t index; /* 0 for cpu */
} oz_device;

#define OZ_CPU ((oz_device){OZ_DEVICE_CPU, 0})

/* Releases a storage's memory; `ctx` is whatever the storage was created with. */
typedef void (*oz_deleter)(void *ctx, void *data);

typedef struct oz_storage {
  int64_t refcount;
  void *data;
  size_t nbytes;
  oz_device device;
  oz_deleter deleter; /* NULL: memory is not owned (never freed) */
  void *deleter_ctx;
  /* Bumped by every in-place write; shared by all views, so autograd can tell that a saved
   * tensor changed after it was saved (torch's version counter). */
  int64_t version;
} oz_storage;

typedef struct oz_tensor {
  int64_t refcount;
  oz_storage *storage;
  int64_t offset; /* in elements */
  int32_t dtype;
  int32_t ndim;
  int64_t shape[OZ_MAX_DIMS];
  int64_t strides[OZ_MAX_DIMS]; /* in elements */
  /* A 0-d tensor made from a Python number: lowest priority in type promotion. */
  bool is_wrapped_number;
  /* Autograd state (oz_autograd_meta, core/oz_autograd.h); NULL until needed. */
  void *autograd;
} oz_tensor;

/* Frees a dying tensor's autograd state (core/autograd.c). */
void oz_autograd_release(oz_tensor *t);

/* ---- host memory: 64-byte aligned, failure is an error (OZ_ERR_NOMEM), never an abort ---- */
void *oz_host_alloc(size_t nbytes);
void oz_host_free(void *ptr);
/* Live host bytes allocated through oz_host_alloc (for leak tests). */
int64_t oz_host_bytes_in_use(void);
/* Live tensor structs (for leak tests). */
int64_t oz_live_tensors(void);

/* ---- storage ---- */
oz_storage *oz_storage_new(size_t nbytes, oz_device device);
/* Wraps memory owned elsewhere (numpy): `deleter(ctx, data)` runs when the last user lets go. */
oz_storage *oz_storage_wrap(void *data, size_t nbytes, oz_device device, oz_deleter deleter,
                            void *ctx);
void oz_storage_incref(oz_storage *s);
void oz_storage_decref(oz_storage *s);

/* ---- tensors ---- */
void oz_tensor_incref(oz_tensor *t);
void oz_tensor_decref(oz_tensor *t); /* NULL is fine */

/* Uninitialised contiguous tensor. Errors: negative size, too many dims, invalid dtype, size
 * overflow, out of memory. */
oz_tensor *oz_empty(int ndim, const int64_t *shape, int dtype, oz_device device);
/* A tensor over `storage` (takes its own reference) with the given geometry; checks that the
 * geometry stays inside the storage. */
oz_tensor *oz_tensor_over(oz_storage *storage, int64_t offset, int dtype, int ndim,
                          const int64_t *shape, const int64_t *strides);

int64_t oz_numel(const oz_tensor *t);
bool oz_is_contiguous(const oz_tensor *t);
/* Pointer to element 0 (storage data + offset). */
void *oz_data_ptr(const oz_tensor *t);
/* The plain view a kernel receives. */
oz_view oz_tensor_view(const oz_tensor *t);
/* Copies element `index` (a flat row-major index) to *out as double / int64, for item()/tolist();
 * the tensor must be on the CPU. */
int oz_read_element(const oz_tensor *t, int64_t index, double *as_double, int64_t *as_int);

/* Normalises a possibly negative dim for a tensor of `ndim` dims (0-d tensors accept -1 and 0);
 * returns -1 and sets IndexError "Dimension out of range (expected to be in range of [-2, 1],
 * but got 5)" otherwise. */
int oz_wrap_dim(int64_t dim, int ndim);

/* Gives t the shape (contiguous strides), reallocating its storage when it is too small: what
 * torch does to an out= tensor of the wrong shape. Views of the old storage keep the old memory. */
int oz_resize_(oz_tensor *t, int ndim, const int64_t *shape);
/* An uninitialised tensor of `shape` laid out like `like` (same dim order of strides) when like
 * has that shape and is dense and non-overlapping, else contiguous: torch's preserve_format. */
oz_tensor *oz_empty_like_layout(const oz_tensor *like, int ndim, const int64_t *shape, int dtype,
                                oz_device device);
oz_device oz_tensor_device(const oz_tensor *t);

/* ---- views (share storage) ---- */
oz_tensor *oz_alias(const oz_tensor *t); /* same geometry, new tensor struct */
oz_tensor *oz_as_strided(const oz_tensor *t, int ndim, const int64_t *shape,
                         const int64_t *strides, int64_t offset);
/* view(shape): -1 inferred; RuntimeError if the strides do not allow a view. */
oz_tensor *oz_view_shape(const oz_tensor *t, int ndim, const int64_t *shape);
/* reshape: a view when possible, otherwise a contiguous copy. */
oz_tensor *oz_reshape(const oz_tensor *t, int ndim, const int64_t *shape);
oz_tensor *oz_transpose(const oz_tensor *t, int64_t dim0, int64_t dim1);
oz_tensor *oz_permute(const oz_tensor *t, int ndim, const int64_t *dims);
/* expand to `shape` (-1 keeps a size); stride 0 on broadcast dims. */
oz_tensor *oz_expand(const oz_tensor *t, int ndim, const int64_t *shape);
oz_tensor *oz_select(const oz_tensor *t, int64_t dim, int64_t index);
/* Python slice semantics already resolved by the caller except clamping: start/end are clamped
 * to [0, size]; step > 0. */
oz_tensor *oz_slice(const oz_tensor *t, int64_t dim, int64_t start, int64_t end, int64_t step);
oz_tensor *oz_unsqueeze(const oz_tensor *t, int64_t dim);
oz_tensor *oz_squeeze(const oz_tensor *t);             /* all size-1 dims */
oz_tensor *oz_squeeze_dim(const oz_tensor *t, int64_t dim);
/* Returns t itself (new reference) when already contiguous, else a contiguous copy. */
oz_tensor *oz_contiguous(const oz_tensor *t);

/* ---- broadcasting ---- */
/* Broadcast shape of two shapes into out (out_ndim set); RuntimeError "The size of tensor a (3)
 * must match the size of tensor b (4) at non-singleton dimension 1" otherwise. */
int oz_broadcast_shapes(int ndim_a, const int64_t *a, int ndim_b, const int64_t *b,
                        int *out_ndim, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
