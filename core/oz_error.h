/* oz_error.h - the per-thread last error. Every failing core call sets it and returns an error
 * indicator (NULL or a nonzero oz_status) upward; nothing aborts on bad input. The Python layer
 * turns (code, message) into the exception PyTorch raises. */
#ifndef OZ_ERROR_H
#define OZ_ERROR_H

#include <stdarg.h>

#include "dispatch/oz_backend.h" /* oz_status */

#ifdef __cplusplus
extern "C" {
#endif

#define OZ_ERROR_MSG_MAX 9216

/* Records (code, printf-formatted message) as this thread's last error and returns code. */
int oz_set_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int oz_set_errorv(int code, const char *fmt, va_list ap);
/* Code of this thread's last error (OZ_OK if none since oz_clear_error). */
int oz_last_error_code(void);
/* Message of this thread's last error; "" if none. Valid until the next error on this thread. */
const char *oz_last_error_message(void);
void oz_clear_error(void);

#ifdef __cplusplus
}
#endif
#endif
