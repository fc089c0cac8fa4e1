/* ops_linalg_meta.h - the Tensor metadata and casting helpers of ops_linalg_meta.c, as entries
 * for ops_linalg.c's tables (the linalg family's one method/function table pair). */
#ifndef OZPY_OPS_LINALG_META_H
#define OZPY_OPS_LINALG_META_H

#include "python/csrc/ozpy.h"

/* Tensor methods */
PyObject *ozpy_m_type(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
PyObject *ozpy_m_new_zeros(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
PyObject *ozpy_m_new_ones(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
PyObject *ozpy_m_new_empty(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
PyObject *ozpy_m_new_full(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
PyObject *ozpy_m_new_tensor(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
/* torch functions */
PyObject *ozpy_f_result_type(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
PyObject *ozpy_f_promote_types(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw);
PyObject *ozpy_f_can_cast(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);

#define OZPY_META_KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS
#define OZPY_LINALG_META_METHODS                                                                  \
  {"type", OZPY_META_KW(ozpy_m_type),                                                              \
   "type(dtype=None, non_blocking=False): the type name ('torch.FloatTensor'), or a cast"},       \
      {"new_zeros", OZPY_META_KW(ozpy_m_new_zeros), "new_zeros(*size, dtype=None, device=None)"}, \
      {"new_ones", OZPY_META_KW(ozpy_m_new_ones), "new_ones(*size, dtype=None, device=None)"},    \
      {"new_empty", OZPY_META_KW(ozpy_m_new_empty), "new_empty(*size, dtype=None, device=None)"}, \
      {"new_full", OZPY_META_KW(ozpy_m_new_full),                                                 \
       "new_full(size, fill_value, dtype=None, device=None)"},                                    \
      {"new_tensor", OZPY_META_KW(ozpy_m_new_tensor),                                             \
       "new_tensor(data, dtype=None, device=None, requires_grad=False)"},
#define OZPY_LINALG_META_FUNCTIONS                                                                \
  {"result_type", OZPY_META_KW(ozpy_f_result_type), "result_type(tensor, other)"},                \
      {"promote_types", OZPY_META_KW(ozpy_f_promote_types), "promote_types(type1, type2)"},       \
      {"can_cast", OZPY_META_KW(ozpy_f_can_cast), "can_cast(from, to)"},

#endif
