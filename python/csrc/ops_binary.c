/* ops_binary.c - Python bindings of binary and ternary elementwise ops: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_binary[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_binary[] = {
    {NULL, NULL, 0, NULL},
};
