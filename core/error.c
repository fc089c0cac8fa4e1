/* error.c - the per-thread last error (see oz_error.h). */
#include <stdio.h>

#include "core/oz_error.h"

static _Thread_local int last_code = OZ_OK;
static _Thread_local char last_msg[OZ_ERROR_MSG_MAX];

int oz_set_errorv(int code, const char *fmt, va_list ap) {
  last_code = code;
  vsnprintf(last_msg, sizeof last_msg, fmt, ap);
  return code;
}

int oz_set_error(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  oz_set_errorv(code, fmt, ap);
  va_end(ap);
  return code;
}

int oz_last_error_code(void) { return last_code; }
const char *oz_last_error_message(void) { return last_code == OZ_OK ? "" : last_msg; }

void oz_clear_error(void) {
  last_code = OZ_OK;
  last_msg[0] = '\0';
}
