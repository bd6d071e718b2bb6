#ifndef COREWARD_CBLAS_SHIM_H
#define COREWARD_CBLAS_SHIM_H
#include <cblas.h>
#endif
