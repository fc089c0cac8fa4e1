/* ops_random.c - Python bindings of random number generation: functions and Tensor methods. */
#include "ozpy.h"

PyMethodDef ozpy_tensor_methods_random[] = {
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_random[] = {
    {NULL, NULL, 0, NULL},
};
