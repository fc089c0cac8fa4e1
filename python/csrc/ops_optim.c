/* ops_optim.c - Python bindings of optimizer and fused update ops: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_optim[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_optim[] = {
    {NULL, NULL, 0, NULL},
};
