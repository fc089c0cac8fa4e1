/* ops_reduce.c - Python bindings of reductions and sorting: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_reduce[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_reduce[] = {
    {NULL, NULL, 0, NULL},
};
