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

__version__ = "0.1.0"

__all__ = [n for n in dir() if not n.startswith("_")]
