/* ops_linalg.c - Python bindings of linear algebra: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_linalg[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_linalg[] = {
    {NULL, NULL, 0, NULL},
};
