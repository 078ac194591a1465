"""scopeflow: TensorFlow 1.x's graph-building API with TF 1.15's exact names.

`import scopeflow as tf` and write TF1 code: scopes, variables and ops are named as
TensorFlow 1.15 names them. The naming logic lives in C++ (`scopeflow._core`).
"""

from . import dtypes
from .dtypes import (DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16,
                     float32, float64, half, int8, int16, int32, int64, qint8, qint16, qint32,
                     quint8, quint16, resource, string, uint8, uint16, uint32, uint64, variant)
from .framework import (Dimension, Graph, GraphKeys, Operation, Tensor, TensorShape,
                        add_to_collection, add_to_collections, colocate_with,
                        control_dependencies,
                        convert_to_tensor, device,
                        get_all_collection_keys, get_collection, get_collection_ref,
                        get_default_graph, get_name_scope, name_scope, reset_default_graph)
from . import errors
from .control_flow_ops import cond
from .session import InteractiveSession, Session, get_default_session
from .init_ops import (constant_initializer, glorot_normal_initializer,
                       glorot_uniform_initializer, ones_initializer, random_normal_initializer,
                       random_uniform_initializer, truncated_normal_initializer,
                       variance_scaling_initializer, zeros_initializer)
from .ops import (add, constant, fill, identity, multiply, ones, placeholder, random_normal,
                  random_uniform, subtract, truncated_normal, unstack, zeros)
from .variables import (AUTO_REUSE, PartitionedVariable, Variable, VariableAggregation,
                        VariableScope, VariableSynchronization, all_variables, get_local_variable,
                        get_variable, get_variable_scope, global_variables, local_variables,
                        model_variables, no_regularizer, trainable_variables, variable_scope)
# Python op modules (TF 1.15 names); math_ops installs the tensor operators on import.
from .array_ops import (concat, expand_dims, gather, newaxis, one_hot, ones_like,
                        placeholder_with_default, rank, reshape, shape, size, slice, squeeze,
                        stack, stop_gradient, strided_slice, tile, transpose, zeros_like)
from .math_ops import (abs, add_n, argmax, argmin, cast, clip_by_value, div, div_no_nan,
                       divide, equal, exp, floor_div, floordiv, greater, greater_equal, less,
                       less_equal, log, logical_and, logical_not, logical_or, logical_xor,
                       matmul, maximum, minimum, negative, not_equal, pow, range, realdiv,
                       reciprocal, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
                       rsqrt, sigmoid, sign, sqrt, square, squared_difference, tanh, tensordot,
                       to_double, to_float, to_int32, to_int64, truediv, where)
from .array_ops import dynamic_stitch, invert_permutation, setdiff1d, split
from .math_ops import cumprod, cumsum
from .state_ops import (assign, assign_add, assign_sub, global_variables_initializer, group,
                        initialize_all_variables, initialize_local_variables,
                        initialize_variables, local_variables_initializer, no_op,
                        set_random_seed, tuple, variables_initializer)
from . import layers, losses, nn
from .gradients import AggregationMethod, gradients
from . import train
from . import summary
from .summary import Event, SessionLog, Summary
from . import view
from .graph_io import import_graph_def, GraphDef
from . import math_ops as math
from .state_ops import initializers

__version__ = "0.1.0"

__all__ = [n for n in dir() if not n.startswith("_")]
