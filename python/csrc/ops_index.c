/* ops_index.c - Python bindings of shapes, indexing and copies: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_index[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_index[] = {
    {NULL, NULL, 0, NULL},
};
