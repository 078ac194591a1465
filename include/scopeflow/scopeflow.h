// scopeflow: TensorFlow 1.x graph building, with TF 1.15's exact names, in C++.
#pragma once

#include "scopeflow/base/dtype.h"
#include "scopeflow/base/error.h"
#include "scopeflow/base/shape.h"
#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/attr.h"
#include "scopeflow/graph/collections.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/input.h"
#include "scopeflow/graph/variable.h"
#include "scopeflow/naming/guards.h"
#include "scopeflow/naming/name_table.h"
#include "scopeflow/naming/scope.h"
#include "scopeflow/ops/init_ops.h"
#include "scopeflow/ops/ops.h"
