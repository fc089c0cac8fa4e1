/* registry_internal.h - shared between the loader (which finds plugins) and the registry (which
 * owns the kernel table). Not part of any public API. */
#ifndef OZ_REGISTRY_INTERNAL_H
#define OZ_REGISTRY_INTERNAL_H

#include "dispatch/oz_dispatch.h"

#define OZ_MAX_BACKENDS 32
/* The reference backend: implements every op, always last in line for the CPU. */
#define REFERENCE_BACKEND "cpu_naive"

/* Adds a record for the doctor; returns its slot (or NULL if the table is full). Strings are
 * copied. */
oz_plugin_info *oz_registry_add_info(const char *name, const char *path, const char *error);
/* Puts a successfully initialised backend's kernels into the table behind those already there
 * and completes `info`. */
int oz_registry_register(const oz_backend_desc *desc, oz_plugin_info *info);
/* Whether a backend with this name is registered. */
bool oz_registry_has_backend(const char *name);
/* Whether a registered backend serves host memory besides cpu_naive. */
bool oz_registry_has_cpu_backend_besides(const char *name);

/* Calls `init` with a fresh descriptor and validates what the plugin filled in. On failure returns
 * nonzero with the reason in the last error. */
int oz_registry_init_backend(oz_backend_init_fn init, oz_backend_desc *desc);

#endif
