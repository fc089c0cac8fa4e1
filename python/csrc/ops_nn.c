/* ops_nn.c - Python bindings of neural-network primitives: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_nn[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_nn[] = {
    {NULL, NULL, 0, NULL},
};
