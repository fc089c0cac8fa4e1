/* ops_unary.c - Python bindings of unary math and activations: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_unary[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_unary[] = {
    {NULL, NULL, 0, NULL},
};
