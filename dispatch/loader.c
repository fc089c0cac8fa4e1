/* loader.c - finds and loads backend plugins in the order OZTORCH_BACKEND gives.
 *
 * Loading never fails silently: every attempt is recorded (shown by `python -m oztorch.doctor`),
 * and an error for a backend the user asked for names every path tried and why each failed
 * (missing file, dlerror(), missing entry symbol, ABI versions, the plugin's own message).
 * Plugins are loaded RTLD_NOW | RTLD_LOCAL and never unloaded. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/oz_error.h"
#include "dispatch/registry_internal.h"

#define DEFAULT_CPU_BACKEND "cpu_blas"
#define REPORT_MAX 8192

static bool initialized;
static int init_status;
static char init_message[REPORT_MAX + 512];

bool oz_dispatch_initialized(void) { return initialized; }

/* Appends printf-style text to a report buffer, truncating safely. */
static void report_add(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report_add(char *buf, const char *fmt, ...) {
  size_t used = strlen(buf);
  if (used >= REPORT_MAX - 1) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + used, REPORT_MAX - used, fmt, ap);
  va_end(ap);
}

static bool is_path(const char *entry) {
  size_t n = strlen(entry);
  return strchr(entry, '/') || (n > 3 && !strcmp(entry + n - 3, ".so"));
}

/* Tries one candidate file; on failure appends "  path: why" to `report`. */
static bool try_load_file(const char *path, char *report) {
  if (access(path, F_OK) != 0) {
    report_add(report, "\n  %s: no such file", path);
    return false;
  }
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    report_add(report, "\n  %s: dlopen failed: %s", path, dlerror());
    return false;
  }
  oz_backend_init_fn init;
  *(void **)&init = dlsym(handle, OZ_BACKEND_ENTRY);
  if (!init) {
    report_add(report, "\n  %s: not an OzTorch backend: it does not export the entry symbol '%s'",
               path, OZ_BACKEND_ENTRY);
    return false;
  }
  oz_backend_desc desc;
  if (oz_registry_init_backend(init, &desc) != OZ_OK) {
    report_add(report, "\n  %s: %s", path, oz_last_error_message());
    return false;
  }
  oz_plugin_info *info = oz_registry_add_info(desc.name, path, NULL);
  if (!info) {
    report_add(report, "\n  %s: too many backends (max %d)", path, OZ_MAX_BACKENDS);
    return false;
  }
  if (oz_registry_register(&desc, info) != OZ_OK) {
    info->error = strdup(oz_last_error_message());
    report_add(report, "\n  %s: %s", path, oz_last_error_message());
    return false;
  }
  return true;
}

/* Loads the backend `entry` (a name or a path). Returns true on success; otherwise records the
 * failure for the doctor and, if `required`, reports it as an error. */
static bool load_backend(const char *entry, const char *plugin_path, const char *builtin_dir,
                         bool required) {
  if (!is_path(entry) && oz_registry_has_backend(entry)) return true;
  char report[REPORT_MAX] = "";
  bool ok = false;
  if (is_path(entry)) {
    ok = try_load_file(entry, report);
  } else {
    /* Directories in OZTORCH_PLUGIN_PATH first, then the package's own backends folder. */
    char *dirs = strdup(plugin_path ? plugin_path : "");
    char *save = NULL;
    for (char *dir = strtok_r(dirs, ":", &save); dir && !ok; dir = strtok_r(NULL, ":", &save)) {
      if (!*dir) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s.so", dir, entry);
      ok = try_load_file(path, report);
    }
    free(dirs);
    if (!ok && builtin_dir) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s.so", builtin_dir, entry);
      ok = try_load_file(path, report);
    }
    if (!ok && !builtin_dir && !(plugin_path && *plugin_path))
      report_add(report, "\n  (no OZTORCH_PLUGIN_PATH and no built-in plugin folder to look in)");
  }
  if (ok) return true;
  char why[REPORT_MAX + 256];
  snprintf(why, sizeof why, "could not load backend '%s'; tried:%s", entry, report);
  oz_registry_add_info(entry, NULL, why);
  if (required && init_status == OZ_OK) {
    init_status = OZ_ERR_PLUGIN;
    snprintf(init_message, sizeof init_message, "OZTORCH_BACKEND: %s", why);
  }
  return false;
}

/* Runs a plugin's init into a scratch descriptor (never registered): plugin init must be cheap
 * and free of lasting side effects, so that this probe is harmless. */
static int probe_init(void *handle) {
  oz_backend_init_fn init;
  *(void **)&init = dlsym(handle, OZ_BACKEND_ENTRY);
  oz_backend_desc desc;
  return oz_registry_init_backend(init, &desc);
}

/* Records every .so in the OZTORCH_PLUGIN_PATH folders that was not loaded, with the reason it
 * would not load, so the doctor can show plugins that are present but broken or unused. */
static void probe_plugin_path(const char *plugin_path) {
  if (!plugin_path || !*plugin_path) return;
  char *dirs = strdup(plugin_path);
  char *save = NULL;
  for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    DIR *d = opendir(dir);
    if (!d) continue;
    for (struct dirent *e; (e = readdir(d));) {
      size_t n = strlen(e->d_name);
      if (n < 4 || strcmp(e->d_name + n - 3, ".so")) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      bool seen = false;
      for (int i = 0; i < oz_dispatch_plugin_count() && !seen; i++) {
        const oz_plugin_info *info = oz_dispatch_plugin(i);
        seen = info->path && !strcmp(info->path, path);
      }
      if (seen) continue;
      void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
      char why[REPORT_MAX];
      if (!handle)
        snprintf(why, sizeof why, "found but cannot be loaded: %s", dlerror());
      else if (!dlsym(handle, OZ_BACKEND_ENTRY))
        snprintf(why, sizeof why,
                 "found but not an OzTorch backend: it does not export the entry symbol '%s'",
                 OZ_BACKEND_ENTRY);
      else if (probe_init(handle) != OZ_OK)
        snprintf(why, sizeof why, "found but broken: %s", oz_last_error_message());
      else
        snprintf(why, sizeof why, "found, not requested (add its name to OZTORCH_BACKEND)");
      char name[256];
      snprintf(name, sizeof name, "%.*s", (int)(n - 3), e->d_name);
      oz_registry_add_info(name, path, why);
    }
    closedir(d);
  }
  free(dirs);
}

int oz_dispatch_init(const char *backend_list, const char *plugin_path, const char *builtin_dir) {
  if (initialized)
    return init_status == OZ_OK ? OZ_OK : oz_set_error(init_status, "%s", init_message);
  initialized = true;
  bool explicit_list = backend_list && *backend_list;
  bool naive_named = false;
  if (explicit_list) {
    char *list = strdup(backend_list);
    char *save = NULL;
    for (char *e = strtok_r(list, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
      while (*e == ' ') e++;
      if (!*e) continue;
      if (!strcmp(e, REFERENCE_BACKEND)) { naive_named = true; continue; } /* always last */
      load_backend(e, plugin_path, builtin_dir, true);
    }
    free(list);
  } else {
    /* The default: the fast CPU backend and CUDA when they load; quietly without them. */
    load_backend(DEFAULT_CPU_BACKEND, plugin_path, builtin_dir, false);
    load_backend("cuda", plugin_path, builtin_dir, false);
  }
  /* A list naming only device backends (e.g. "cuda") still gets the fast CPU backend. */
  if (explicit_list && !naive_named && !oz_registry_has_cpu_backend_besides(REFERENCE_BACKEND))
    load_backend(DEFAULT_CPU_BACKEND, plugin_path, builtin_dir, false);
  /* The reference implements every op: required, always last for cpu. */
  load_backend(REFERENCE_BACKEND, plugin_path, builtin_dir, true);
  probe_plugin_path(plugin_path);
  if (init_status != OZ_OK) return oz_set_error(init_status, "%s", init_message);
  return OZ_OK;
}
