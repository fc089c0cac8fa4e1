/* oz_dispatch.h - the dispatcher as the core sees it: the plugin registry and loader, the dense
 * [op][device type] kernel table, the fallback policy, and what the doctor reports. */
#ifndef OZ_DISPATCH_H
#define OZ_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "dispatch/oz_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads plugins. `backend_list` is OZTORCH_BACKEND's value (NULL/"" = default: try cpu_blas,
 * then cpu_naive, and cuda when present, quietly skipping optional ones that fail); each comma-
 * separated entry is a name, looked up as `<dir>/<name>.so` in `plugin_path` (':'-separated,
 * OZTORCH_PLUGIN_PATH) and then in `builtin_dir`, or a path to a .so. cpu_naive is always loaded,
 * last for cpu. An entry the user named explicitly that cannot be loaded is an error
 * (OZ_ERR_PLUGIN) naming every path tried and why each failed; the dispatcher then stays
 * usable with whatever did load. Calling it again reloads nothing: returns the first result.
 * Every .so found in `plugin_path` directories is also probed (not registered) so the doctor
 * can report plugins that would fail. */
int oz_dispatch_init(const char *backend_list, const char *plugin_path, const char *builtin_dir);
bool oz_dispatch_initialized(void);

/* Runs call->op on `device_type`: the first registered kernel (in priority order) whose dtype
 * mask covers the dispatch dtype and whose supports() accepts the call. With none: the fallback
 * policy (OZTORCH_FALLBACK=warn|error|silent) copies to the CPU for non-CPU devices, and
 * otherwise it is OZ_ERR_NOT_IMPLEMENTED naming the op, dtype and device. */
int oz_dispatch_call(oz_call *call);
/* dispatch/half_widen.c: does the call have a float16/bfloat16 view; run it on float32 copies of
 * those views (outputs rounded back), for ops no backend implements on 16-bit types. */
bool oz_dispatch_has_half(const oz_call *call);
int oz_dispatch_widened(oz_call *call);

/* Name of the backend that would run this call (NULL if none), for the profile and tests. */
const char *oz_dispatch_provider(const oz_call *call);

/* Registers a backend from an in-process init function (tests, static builds). */
int oz_dispatch_register_static(oz_backend_init_fn init, const char *origin);

/* ---- what the doctor shows ---- */
typedef struct oz_plugin_info {
  const char *name;      /* backend name, or the requested name if loading failed */
  const char *path;      /* path loaded, or NULL */
  bool loaded;           /* registered in the kernel table */
  const char *error;     /* why not, when !loaded: every path tried, dlerror, ABI versions */
  uint32_t abi_major, abi_minor;
  int32_t device_type;
  int32_t n_kernels;     /* registrations */
  int32_t n_ops;         /* distinct ops covered */
  const char *version;
} oz_plugin_info;
int oz_dispatch_plugin_count(void);
const oz_plugin_info *oz_dispatch_plugin(int i);
const char *oz_op_name(int op); /* "add", "matmul", ...; "unknown_op" for an unused id */
bool oz_op_declared(int op);    /* ids are sparse: iterate 0..OZ_OP_ID_LIMIT and ask this */
int oz_op_count(void);          /* how many ops are declared */
/* Backend names serving (op, device_type) in priority order, written into names (up to max). */
int oz_dispatch_providers(int op, int device_type, const char **names, int max);
/* The host table handed to plugins (tests use it to call plugins directly). */
const oz_host_api *oz_host_api_table(void);

/* Device memory for non-CPU devices through the owning backend's oz_device_api. */
void *oz_device_alloc(oz_device_type type, int index, size_t nbytes);
void oz_device_free(oz_device_type type, int index, void *ptr);
int oz_device_count(oz_device_type type);
/* Raw copy between host memory and a device's memory (or within a device). */
int oz_device_copy(oz_device_type type, int index, void *dst, const void *src, size_t nbytes,
                   oz_copy_kind kind);

#ifdef __cplusplus
}
#endif
#endif
