/* oz_backend.h - the OzTorch backend plugin ABI. This one header is all a plugin author needs.
 *
 * A plugin is a shared object exporting one symbol, `oz_backend_init` (OZ_BACKEND_ENTRY). The core
 * calls it once with a table of host services and a descriptor to fill: the backend's name, the
 * device type it serves and a static array of kernel registrations {op, dtype mask, kernel,
 * optional supports()}. Kernels receive plain strided views of already-allocated tensors and
 * return 0, or an OZ_ERR_* code after describing the problem with host->set_error().
 *
 * Compatibility rules (learned from SQLite's sqlite3ext.h):
 *  - every struct that crosses the boundary starts with its own size (and version where it is
 *    handed over whole); structs only ever grow at the end; a reader checks `size` before it
 *    touches a field added later;
 *  - op ids (oz_ops.def) and dtype ids are append-only;
 *  - a change that breaks either rule bumps OZ_ABI_MAJOR, and the core refuses plugins built for
 *    another major. Adding fields or ops bumps OZ_ABI_MINOR.
 * tests/c/abi_layout_test.cc pins every offset below, so an accidental change fails CI.
 */
#ifndef OZ_BACKEND_H
#define OZ_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OZ_ABI_MAJOR 1
#define OZ_ABI_MINOR 1 /* 1: the op families (ids 100-899) */

#define OZ_MAX_DIMS 8     /* tensors have at most this many dimensions */
#define OZ_MAX_INPUTS 4   /* operands of one kernel call */
#define OZ_MAX_OUTPUTS 2
#define OZ_MAX_SCALARS 4
#define OZ_MAX_INTS 16

/* Element types. Append-only: the numbers are part of the ABI. */
typedef enum oz_dtype {
  OZ_FLOAT32 = 0,
  OZ_FLOAT64 = 1,
  OZ_INT64 = 2,
  OZ_INT32 = 3,
  OZ_INT16 = 4,
  OZ_INT8 = 5,
  OZ_UINT8 = 6,
  OZ_BOOL = 7,
  OZ_FLOAT16 = 8, /* cpu_naive stores and converts them; no arithmetic yet */
  OZ_BFLOAT16 = 9,
  OZ_NUM_DTYPES = 10
} oz_dtype;

#define OZ_DTYPE_BIT(dt) (1u << (dt))
#define OZ_MASK_FLOATING (OZ_DTYPE_BIT(OZ_FLOAT32) | OZ_DTYPE_BIT(OZ_FLOAT64))
#define OZ_MASK_INTEGRAL                                                                          \
  (OZ_DTYPE_BIT(OZ_INT64) | OZ_DTYPE_BIT(OZ_INT32) | OZ_DTYPE_BIT(OZ_INT16) |                      \
   OZ_DTYPE_BIT(OZ_INT8) | OZ_DTYPE_BIT(OZ_UINT8))
#define OZ_MASK_NUMERIC (OZ_MASK_FLOATING | OZ_MASK_INTEGRAL)
#define OZ_MASK_ALL (OZ_MASK_NUMERIC | OZ_DTYPE_BIT(OZ_BOOL))
/* The 16-bit floating types (dispatch/oz_half.h converts them), outside OZ_MASK_ALL: a kernel
 * registered for them says so explicitly. */
#define OZ_MASK_HALF (OZ_DTYPE_BIT(OZ_FLOAT16) | OZ_DTYPE_BIT(OZ_BFLOAT16))

/* Device types: a device is a memory domain; a backend serves exactly one device type. */
typedef enum oz_device_type {
  OZ_DEVICE_CPU = 0,
  OZ_DEVICE_CUDA = 1,
  OZ_NUM_DEVICE_TYPES = 2
} oz_device_type;

/* Error codes; each maps to the Python exception PyTorch raises for that kind of problem. */
typedef enum oz_status {
  OZ_OK = 0,
  OZ_ERR_RUNTIME = 1,        /* RuntimeError */
  OZ_ERR_INDEX = 2,          /* IndexError */
  OZ_ERR_TYPE = 3,           /* TypeError */
  OZ_ERR_VALUE = 4,          /* ValueError */
  OZ_ERR_NOMEM = 5,          /* RuntimeError (allocation failed) */
  OZ_ERR_NOT_IMPLEMENTED = 6, /* NotImplementedError: no kernel for this op/dtype/device */
  OZ_ERR_PLUGIN = 7          /* RuntimeError: a plugin could not be loaded */
} oz_status;

/* Op ids, declared once in oz_ops.def with explicit numbers: they are part of the ABI. Ids are
 * below OZ_OP_ID_LIMIT; not every id below it is used (each family owns a block of 100). */
typedef enum oz_op {
#define OZ_OP(name, id, n_in, n_out, doc) OZ_OP_##name = id,
#include "oz_ops.def"
#undef OZ_OP
  OZ_OP_ID_LIMIT = 1000
} oz_op;

/* A tensor as a kernel sees it. Frozen: never changes within a major version.
 * `data` already includes the storage offset; strides count elements, not bytes, and may be 0
 * (broadcast) or negative. A 0-d tensor has ndim 0 and one element. */
typedef struct oz_view {
  void *data;
  int32_t dtype;        /* oz_dtype */
  int32_t ndim;
  int32_t device_type;  /* oz_device_type */
  int32_t device_index;
  int64_t shape[OZ_MAX_DIMS];
  int64_t strides[OZ_MAX_DIMS];
} oz_view;

/* A number handed to a kernel. The core always sets both fields; a kernel reads `f` for
 * floating dtypes and `i` for integral and bool dtypes. */
typedef struct oz_scalar {
  double f;
  int64_t i;
} oz_scalar;

/* One kernel invocation. What in/out/scalars/ints mean for each op is documented in oz_ops.def.
 * The core has already checked shapes and dtypes, broadcast the inputs to the output shape where
 * the op is elementwise, and allocated the outputs on the op's device. */
typedef struct oz_call {
  uint32_t size; /* sizeof(oz_call) as the core was built */
  int32_t op;
  int32_t n_in;
  int32_t n_out;
  oz_view in[OZ_MAX_INPUTS];
  oz_view out[OZ_MAX_OUTPUTS];
  int32_t n_scalars;
  int32_t n_ints;
  oz_scalar scalars[OZ_MAX_SCALARS];
  int64_t ints[OZ_MAX_INTS];
} oz_call;

typedef int (*oz_kernel_fn)(void *backend_ctx, const oz_call *call);
/* Optional finer filter than the dtype mask: return nonzero if this kernel can run `call`
 * (e.g. only contiguous inputs); otherwise the dispatcher asks the next backend in line. */
typedef int (*oz_supports_fn)(void *backend_ctx, const oz_call *call);

/* One row of a backend's registration table: the kernel for `op` when the dispatch dtype
 * (in[0]'s dtype, or out[0]'s for ops without inputs) is in `dtype_mask`. */
typedef struct oz_kernel_reg {
  int32_t op;
  uint32_t dtype_mask;
  oz_kernel_fn kernel;
  oz_supports_fn supports; /* may be NULL */
} oz_kernel_reg;

/* Memory services of a backend whose device is not host memory (CUDA). CPU backends leave
 * oz_backend_desc.device NULL and share the core's host allocator. */
typedef enum oz_copy_kind { OZ_COPY_H2D = 0, OZ_COPY_D2H = 1, OZ_COPY_D2D = 2 } oz_copy_kind;
typedef struct oz_device_api {
  uint32_t size;
  int (*device_count)(void *backend_ctx);
  void *(*alloc)(void *backend_ctx, int device_index, size_t nbytes); /* NULL + set_error */
  void (*free)(void *backend_ctx, int device_index, void *ptr);
  int (*copy)(void *backend_ctx, int device_index, void *dst, const void *src, size_t nbytes,
              int32_t kind /* oz_copy_kind */);
  int (*synchronize)(void *backend_ctx, int device_index);
} oz_device_api;

#if defined(__GNUC__)
#define OZ_PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define OZ_PRINTF_LIKE(fmt, args)
#endif

/* What the core offers a plugin. Its first fields (versions, size, set_error) keep their places
 * in every major version, so a plugin can always report an ABI mismatch. */
typedef struct oz_host_api {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t size;
  /* Describe the failure of the current call; the kernel then returns `code`. printf-style. */
  void (*set_error)(int code, const char *fmt, ...) OZ_PRINTF_LIKE(2, 3);
  /* level: 0 debug, 1 info, 2 warning. Shown when OZTORCH_LOG allows it. */
  void (*log)(int level, const char *fmt, ...) OZ_PRINTF_LIKE(2, 3);
  /* 64-byte aligned host memory for scratch space; NULL on failure. */
  void *(*host_alloc)(size_t nbytes);
  void (*host_free)(void *ptr);
  const char *(*op_name)(int op);
  const char *(*dtype_name)(int dtype);
  size_t (*dtype_size)(int dtype);
} oz_host_api;

/* What a plugin tells the core. The core zero-fills it and sets `size` before calling the entry
 * point; the plugin sets abi_major/abi_minor to the OZ_ABI_* it was compiled with. */
typedef struct oz_backend_desc {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t size;
  int32_t device_type; /* oz_device_type */
  const char *name;    /* e.g. "cpu_naive": static storage */
  const char *version; /* free text shown by the doctor, e.g. "OpenBLAS 0.3.21": static storage */
  const oz_kernel_reg *kernels;
  int32_t n_kernels;
  void *ctx;                   /* handed back to every kernel */
  const oz_device_api *device; /* NULL for host-memory backends */
} oz_backend_desc;

#define OZ_BACKEND_ENTRY "oz_backend_init"
typedef int (*oz_backend_init_fn)(const oz_host_api *host, oz_backend_desc *desc);

/* Plugins declare their entry point with this, so it is the one exported symbol
 * when the plugin is compiled with -fvisibility=hidden. */
#if defined(__GNUC__)
#define OZ_EXPORT __attribute__((visibility("default")))
#else
#define OZ_EXPORT
#endif

#ifdef __cplusplus
}
#endif
#endif /* OZ_BACKEND_H */
