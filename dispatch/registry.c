/* registry.c - the kernel table [op][device type] -> providers in priority order, the host API
 * handed to plugins, and running a call (with the fallback policy for devices missing an op). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/oz_dtype.h"
#include "core/oz_error.h"
#include "core/oz_tensor.h"
#include "dispatch/registry_internal.h"

#define OZ_MAX_PROVIDERS 8

typedef struct provider {
  oz_kernel_fn kernel;
  oz_supports_fn supports;
  uint32_t dtype_mask;
  void *ctx;
  const char *backend; /* the backend's name */
} provider;

typedef struct slot {
  int n;
  provider p[OZ_MAX_PROVIDERS];
} slot;

static slot table[OZ_OP_ID_LIMIT][OZ_NUM_DEVICE_TYPES];
static oz_plugin_info infos[OZ_MAX_BACKENDS];
static int n_infos;
/* The memory services of the backend that owns each non-CPU device type. */
static const oz_device_api *device_apis[OZ_NUM_DEVICE_TYPES];
static void *device_ctx[OZ_NUM_DEVICE_TYPES];

/* ---------------------------------------------------------------- op names (from oz_ops.def) */
static const char *const OP_NAMES_UPPER[OZ_OP_ID_LIMIT] = {
#define OZ_OP(name, id, n_in, n_out, doc) [id] = #name,
#include "dispatch/oz_ops.def"
#undef OZ_OP
};
static char op_names[OZ_OP_ID_LIMIT][32];

bool oz_op_declared(int op) { return op >= 0 && op < OZ_OP_ID_LIMIT && OP_NAMES_UPPER[op]; }

const char *oz_op_name(int op) {
  if (!oz_op_declared(op)) return "unknown_op";
  if (!op_names[op][0]) { /* lower-case once: "MATMUL" -> "matmul" */
    const char *s = OP_NAMES_UPPER[op];
    size_t i = 0;
    for (; s[i] && i < sizeof op_names[op] - 1; i++) op_names[op][i] = (char)tolower(s[i]);
    op_names[op][i] = '\0';
  }
  return op_names[op];
}
int oz_op_count(void) {
  int n = 0;
  for (int op = 0; op < OZ_OP_ID_LIMIT; op++) n += oz_op_declared(op);
  return n;
}

static const char *device_type_name(int t) {
  return t == OZ_DEVICE_CPU ? "cpu" : t == OZ_DEVICE_CUDA ? "cuda" : "unknown";
}

/* ---------------------------------------------------------------- the host API */
static int log_threshold = -1;

static void host_log(int level, const char *fmt, ...) {
  if (log_threshold < 0) {
    const char *env = getenv("OZTORCH_LOG");
    log_threshold = !env ? 2 : !strcmp(env, "debug") ? 0 : !strcmp(env, "info") ? 1 : 2;
  }
  if (level < log_threshold) return;
  va_list ap;
  va_start(ap, fmt);
  fputs(level >= 2 ? "oztorch warning: " : "oztorch: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void host_set_error(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  oz_set_errorv(code, fmt, ap);
  va_end(ap);
}

static const oz_host_api HOST_API = {
    .abi_major = OZ_ABI_MAJOR,
    .abi_minor = OZ_ABI_MINOR,
    .size = sizeof(oz_host_api),
    .set_error = host_set_error,
    .log = host_log,
    .host_alloc = oz_host_alloc,
    .host_free = oz_host_free,
    .op_name = oz_op_name,
    .dtype_name = oz_dtype_name,
    .dtype_size = oz_dtype_size,
};

const oz_host_api *oz_host_api_table(void) { return &HOST_API; }

/* ---------------------------------------------------------------- registration */
oz_plugin_info *oz_registry_add_info(const char *name, const char *path, const char *error) {
  if (n_infos == OZ_MAX_BACKENDS) return NULL;
  oz_plugin_info *info = &infos[n_infos++];
  memset(info, 0, sizeof *info);
  info->name = strdup(name ? name : "?");
  info->path = path ? strdup(path) : NULL;
  info->error = error ? strdup(error) : NULL;
  info->device_type = -1;
  return info;
}

int oz_dispatch_plugin_count(void) { return n_infos; }
const oz_plugin_info *oz_dispatch_plugin(int i) { return i >= 0 && i < n_infos ? &infos[i] : NULL; }

bool oz_registry_has_backend(const char *name) {
  for (int i = 0; i < n_infos; i++)
    if (infos[i].loaded && !strcmp(infos[i].name, name)) return true;
  return false;
}

bool oz_registry_has_cpu_backend_besides(const char *name) {
  for (int i = 0; i < n_infos; i++)
    if (infos[i].loaded && infos[i].device_type == OZ_DEVICE_CPU && strcmp(infos[i].name, name))
      return true;
  return false;
}

int oz_registry_init_backend(oz_backend_init_fn init, oz_backend_desc *desc) {
  memset(desc, 0, sizeof *desc);
  desc->size = sizeof *desc;
  oz_clear_error();
  int rc = init(&HOST_API, desc);
  if (rc != 0 && desc->abi_major != 0 && desc->abi_major != OZ_ABI_MAJOR)
    return oz_set_error(OZ_ERR_PLUGIN,
                        "it was built for plugin ABI %u.%u but this OzTorch speaks ABI %d.%d "
                        "(rebuild the plugin against this dispatch/oz_backend.h)",
                        desc->abi_major, desc->abi_minor, OZ_ABI_MAJOR, OZ_ABI_MINOR);
  if (rc != 0 && oz_last_error_code() == OZ_OK)
    return oz_set_error(OZ_ERR_PLUGIN, "its init function returned %d without a message", rc);
  if (rc != 0) {
    char why[OZ_ERROR_MSG_MAX]; /* formatting the last error into itself would garble it */
    snprintf(why, sizeof why, "%s", oz_last_error_message());
    return oz_set_error(OZ_ERR_PLUGIN, "its init function failed: %s", why);
  }
  if (desc->abi_major != OZ_ABI_MAJOR)
    return oz_set_error(OZ_ERR_PLUGIN,
                        "it was built for plugin ABI %u.%u but this OzTorch speaks ABI %d.%d "
                        "(rebuild the plugin against this dispatch/oz_backend.h)",
                        desc->abi_major, desc->abi_minor, OZ_ABI_MAJOR, OZ_ABI_MINOR);
  if (!desc->name || !desc->name[0])
    return oz_set_error(OZ_ERR_PLUGIN, "its descriptor has no name");
  if (desc->device_type < 0 || desc->device_type >= OZ_NUM_DEVICE_TYPES)
    return oz_set_error(OZ_ERR_PLUGIN, "it serves unknown device type %d", desc->device_type);
  if (desc->n_kernels < 0 || (desc->n_kernels > 0 && !desc->kernels))
    return oz_set_error(OZ_ERR_PLUGIN, "its kernel table is invalid (n_kernels %d)",
                        desc->n_kernels);
  if (desc->device_type != OZ_DEVICE_CPU &&
      (!desc->device || desc->device->size < sizeof(oz_device_api) || !desc->device->alloc ||
       !desc->device->free || !desc->device->copy))
    return oz_set_error(OZ_ERR_PLUGIN, "it serves %s but provides no complete device memory API",
                        device_type_name(desc->device_type));
  return OZ_OK;
}

int oz_registry_register(const oz_backend_desc *desc, oz_plugin_info *info) {
  if (oz_registry_has_backend(desc->name))
    return oz_set_error(OZ_ERR_PLUGIN, "a backend named '%s' is already loaded", desc->name);
  bool covered[OZ_OP_ID_LIMIT] = {false};
  int n_ops = 0;
  const char *name = strdup(desc->name);
  for (int k = 0; k < desc->n_kernels; k++) {
    const oz_kernel_reg *r = &desc->kernels[k];
    /* Ops this core does not know (a plugin built against a newer minor) are skipped. */
    if (!oz_op_declared(r->op) || !r->kernel) continue;
    slot *s = &table[r->op][desc->device_type];
    if (s->n == OZ_MAX_PROVIDERS) continue;
    /* The reference backend stays last, whenever the others register. */
    int at = s->n;
    while (at > 0 && !strcmp(s->p[at - 1].backend, REFERENCE_BACKEND) &&
           strcmp(name, REFERENCE_BACKEND))
      at--;
    memmove(&s->p[at + 1], &s->p[at], sizeof(provider) * (size_t)(s->n - at));
    s->p[at] = (provider){r->kernel, r->supports, r->dtype_mask, desc->ctx, name};
    s->n++;
    if (!covered[r->op]) covered[r->op] = true, n_ops++;
  }
  if (desc->device_type != OZ_DEVICE_CPU && !device_apis[desc->device_type]) {
    device_apis[desc->device_type] = desc->device;
    device_ctx[desc->device_type] = desc->ctx;
  }
  free((void *)info->name);
  info->name = name;
  info->loaded = true;
  info->abi_major = desc->abi_major;
  info->abi_minor = desc->abi_minor;
  info->device_type = desc->device_type;
  info->n_kernels = desc->n_kernels;
  info->n_ops = n_ops;
  info->version = desc->version ? strdup(desc->version) : "";
  return OZ_OK;
}

int oz_dispatch_register_static(oz_backend_init_fn init, const char *origin) {
  oz_backend_desc desc;
  if (oz_registry_init_backend(init, &desc) != OZ_OK) {
    char why[OZ_ERROR_MSG_MAX];
    snprintf(why, sizeof why, "%s", oz_last_error_message());
    oz_registry_add_info(origin, NULL, why);
    return oz_set_error(OZ_ERR_PLUGIN, "backend from %s: %s", origin, why);
  }
  oz_plugin_info *info = oz_registry_add_info(desc.name, origin, NULL);
  if (!info) return oz_set_error(OZ_ERR_PLUGIN, "too many backends (max %d)", OZ_MAX_BACKENDS);
  return oz_registry_register(&desc, info);
}

int oz_dispatch_providers(int op, int device_type, const char **names, int max) {
  if (op < 0 || op >= OZ_OP_ID_LIMIT || device_type < 0 || device_type >= OZ_NUM_DEVICE_TYPES)
    return 0;
  const slot *s = &table[op][device_type];
  int n = 0;
  for (int i = 0; i < s->n && n < max; i++) names[n++] = s->p[i].backend;
  return n;
}

/* ---------------------------------------------------------------- running a call */
static const oz_view *dispatch_view(const oz_call *call) {
  return call->n_in > 0 ? &call->in[0] : &call->out[0];
}

static const provider *find_provider(const oz_call *call, int device_type) {
  const slot *s = &table[call->op][device_type];
  uint32_t bit = OZ_DTYPE_BIT(dispatch_view(call)->dtype);
  for (int i = 0; i < s->n; i++) {
    const provider *p = &s->p[i];
    if ((p->dtype_mask & bit) && (!p->supports || p->supports(p->ctx, call))) return p;
  }
  return NULL;
}

const char *oz_dispatch_provider(const oz_call *call) {
  if (call->op < 0 || call->op >= OZ_OP_ID_LIMIT) return NULL;
  const provider *p = find_provider(call, dispatch_view(call)->device_type);
  return p ? p->backend : NULL;
}

static int run_provider(const provider *p, oz_call *call) {
  oz_clear_error();
  int rc = p->kernel(p->ctx, call);
  if (rc == OZ_OK) return OZ_OK;
  if (oz_last_error_code() == OZ_OK)
    oz_set_error(OZ_ERR_RUNTIME, "%s kernel of backend %s failed with status %d",
                 oz_op_name(call->op), p->backend, rc);
  return oz_last_error_code();
}

/* ---- fallback: run a device op on the CPU through host copies of the views' memory spans */
static int fallback_mode = -1; /* 0 silent, 1 warn, 2 error */
static bool warned[OZ_OP_ID_LIMIT];

static int get_fallback_mode(void) {
  if (fallback_mode < 0) {
    const char *env = getenv("OZTORCH_FALLBACK");
    fallback_mode = !env ? 1 : !strcmp(env, "silent") ? 0 : !strcmp(env, "error") ? 2 : 1;
  }
  return fallback_mode;
}

/* Element range [lo, hi] a view touches, relative to its data pointer. */
static void view_span(const oz_view *v, int64_t *lo, int64_t *hi) {
  *lo = *hi = 0;
  for (int d = 0; d < v->ndim; d++) {
    if (v->shape[d] == 0) { *lo = 0, *hi = -1; return; }
    int64_t reach = (v->shape[d] - 1) * v->strides[d];
    if (reach < 0) *lo += reach; else *hi += reach;
  }
}

typedef struct staged {
  void *device_data;
  void *host_block;
  int64_t lo;
  size_t nbytes;
} staged;

static int stage_to_host(oz_view *v, staged *st, bool copy_in) {
  const oz_device_api *api = device_apis[v->device_type];
  void *ctx = device_ctx[v->device_type];
  size_t es = oz_dtype_size(v->dtype);
  int64_t lo, hi;
  view_span(v, &lo, &hi);
  st->device_data = v->data;
  st->lo = lo;
  st->nbytes = hi >= lo ? (size_t)(hi - lo + 1) * es : 0;
  st->host_block = oz_host_alloc(st->nbytes ? st->nbytes : 1);
  if (!st->host_block) return OZ_ERR_NOMEM;
  if (copy_in && st->nbytes &&
      api->copy(ctx, v->device_index, st->host_block, (char *)v->data + lo * (int64_t)es,
                st->nbytes, OZ_COPY_D2H) != OZ_OK)
    return oz_last_error_code() ? oz_last_error_code() : OZ_ERR_RUNTIME;
  v->data = (char *)st->host_block - lo * (int64_t)es;
  v->device_type = OZ_DEVICE_CPU;
  v->device_index = 0;
  return OZ_OK;
}

static int run_on_cpu_fallback(oz_call *call, int device_type) {
  int mode = get_fallback_mode();
  if (mode == 2 || !device_apis[device_type])
    return oz_set_error(OZ_ERR_NOT_IMPLEMENTED,
                        "no backend implements '%s' for %s tensors on %s (OZTORCH_FALLBACK=error)",
                        oz_op_name(call->op), oz_dtype_name(dispatch_view(call)->dtype),
                        device_type_name(device_type));
  oz_call host_call = *call;
  const provider *p = find_provider(&host_call, OZ_DEVICE_CPU);
  if (!p)
    return oz_set_error(OZ_ERR_NOT_IMPLEMENTED, "no backend implements '%s' for %s tensors",
                        oz_op_name(call->op), oz_dtype_name(dispatch_view(call)->dtype));
  if (mode == 1 && !warned[call->op]) {
    warned[call->op] = true;
    host_log(2, "'%s' is not implemented for %s by any loaded backend; running it on the CPU "
             "with copies (OZTORCH_FALLBACK=silent hides this, =error forbids it)",
             oz_op_name(call->op), device_type_name(device_type));
  }
  staged st[OZ_MAX_INPUTS + OZ_MAX_OUTPUTS] = {{0}};
  int n = 0, rc = OZ_OK;
  for (int i = 0; i < call->n_in && rc == OZ_OK; i++, n++)
    rc = stage_to_host(&host_call.in[i], &st[n], true);
  /* Outputs are copied in too: the kernel may write only part of a strided span. */
  for (int i = 0; i < call->n_out && rc == OZ_OK; i++, n++)
    rc = stage_to_host(&host_call.out[i], &st[n], true);
  if (rc == OZ_OK) rc = run_provider(p, &host_call);
  for (int i = 0; i < call->n_out && rc == OZ_OK; i++) {
    staged *s = &st[call->n_in + i];
    size_t es = oz_dtype_size(call->out[i].dtype);
    if (s->nbytes &&
        device_apis[device_type]->copy(device_ctx[device_type], call->out[i].device_index,
                                       (char *)s->device_data + s->lo * (int64_t)es,
                                       s->host_block, s->nbytes, OZ_COPY_H2D) != OZ_OK)
      rc = oz_last_error_code() ? oz_last_error_code() : OZ_ERR_RUNTIME;
  }
  for (int i = 0; i < n; i++) oz_host_free(st[i].host_block);
  return rc;
}

int oz_dispatch_call(oz_call *call) {
  if (!oz_op_declared(call->op))
    return oz_set_error(OZ_ERR_RUNTIME, "unknown op id %d", call->op);
  call->size = sizeof *call;
  int device_type = dispatch_view(call)->device_type;
  const provider *p = find_provider(call, device_type);
  /* A kernel registers for its dispatch dtype only: with 16-bit views elsewhere in the call
   * (where()'s values behind a bool condition) it may not know them, so those calls widen. */
  const bool half = call->op != OZ_OP_COPY && oz_dispatch_has_half(call);
  const int dt = dispatch_view(call)->dtype;
  if (p && (!half || dt == OZ_FLOAT16 || dt == OZ_BFLOAT16)) return run_provider(p, call);
  if (device_type != OZ_DEVICE_CPU) return run_on_cpu_fallback(call, device_type);
  if (half) {
    /* float16/bfloat16 without a kernel: computed in float32 when the op has a kernel there */
    oz_call probe = *call;
    for (int i = 0; i < probe.n_in; i++)
      if (probe.in[i].dtype == OZ_FLOAT16 || probe.in[i].dtype == OZ_BFLOAT16)
        probe.in[i].dtype = OZ_FLOAT32;
    for (int i = 0; i < probe.n_out; i++)
      if (probe.out[i].dtype == OZ_FLOAT16 || probe.out[i].dtype == OZ_BFLOAT16)
        probe.out[i].dtype = OZ_FLOAT32;
    if (find_provider(&probe, device_type)) return oz_dispatch_widened(call);
  }
  if (!oz_dispatch_initialized())
    return oz_set_error(OZ_ERR_RUNTIME, "no backend is loaded: the dispatcher was not initialised");
  /* As torch: a dtype the op does not support is a RuntimeError; an op that no backend of the
   * device has at all is a NotImplementedError. */
  if (table[call->op][device_type].n > 0)
    return oz_set_error(OZ_ERR_RUNTIME, "\"%s\" not implemented for '%s'", oz_op_name(call->op),
                        oz_dtype_scalar_type_name(dispatch_view(call)->dtype));
  return oz_set_error(OZ_ERR_NOT_IMPLEMENTED,
                      "Could not run '%s' with arguments from the '%s' backend: no loaded backend "
                      "implements it (see python -m oztorch.doctor)",
                      oz_op_name(call->op), device_type_name(device_type));
}

/* ---------------------------------------------------------------- device memory */
void *oz_device_alloc(oz_device_type type, int index, size_t nbytes) {
  if (type == OZ_DEVICE_CPU) return oz_host_alloc(nbytes);
  if (type < 0 || type >= OZ_NUM_DEVICE_TYPES || !device_apis[type]) {
    oz_set_error(OZ_ERR_RUNTIME, "no backend for device type %s is loaded", device_type_name(type));
    return NULL;
  }
  oz_clear_error();
  void *p = device_apis[type]->alloc(device_ctx[type], index, nbytes);
  if (!p && oz_last_error_code() == OZ_OK)
    oz_set_error(OZ_ERR_NOMEM, "%s out of memory: tried to allocate %zu bytes",
                 device_type_name(type), nbytes);
  return p;
}

void oz_device_free(oz_device_type type, int index, void *ptr) {
  if (type == OZ_DEVICE_CPU) oz_host_free(ptr);
  else if (type > 0 && type < OZ_NUM_DEVICE_TYPES && device_apis[type])
    device_apis[type]->free(device_ctx[type], index, ptr);
}

int oz_device_count(oz_device_type type) {
  if (type == OZ_DEVICE_CPU) return 1;
  if (type < 0 || type >= OZ_NUM_DEVICE_TYPES || !device_apis[type]) return 0;
  return device_apis[type]->device_count ? device_apis[type]->device_count(device_ctx[type]) : 0;
}

int oz_device_copy(oz_device_type type, int index, void *dst, const void *src, size_t nbytes,
                   oz_copy_kind kind) {
  if (type <= OZ_DEVICE_CPU || type >= OZ_NUM_DEVICE_TYPES || !device_apis[type])
    return oz_set_error(OZ_ERR_RUNTIME, "no backend for device type %s is loaded",
                        device_type_name(type));
  oz_clear_error();
  int rc = device_apis[type]->copy(device_ctx[type], index, dst, src, nbytes, kind);
  if (rc != OZ_OK && oz_last_error_code() == OZ_OK)
    oz_set_error(OZ_ERR_RUNTIME, "%s copy of %zu bytes failed", device_type_name(type), nbytes);
  return rc == OZ_OK ? OZ_OK : oz_last_error_code();
}
