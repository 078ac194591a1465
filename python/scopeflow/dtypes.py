"""TF's DType objects (tf.float32, ...), backed by the C++ DataType numbers."""

import numpy as np

from . import _core

__all__ = ["DType", "as_dtype"]


class DType(object):
    """An element type, printed as TensorFlow prints it (`<dtype: 'float32'>`, `tf.float32`)."""

    __slots__ = ("_enum",)
    _cache = {}

    def __new__(cls, enum):
        obj = cls._cache.get(enum)
        if obj is None:
            obj = object.__new__(cls)
            obj._enum = enum
            cls._cache[enum] = obj
        return obj

    @property
    def as_datatype_enum(self):
        return self._enum

    @property
    def name(self):
        return _core.dtype_name(self._enum)

    @property
    def is_ref_dtype(self):
        return self._enum > 100

    @property
    def base_dtype(self):
        return DType(self._enum - 100) if self._enum > 100 else self

    @property
    def real_dtype(self):
        b = self.base_dtype
        if b is complex64:
            return float32
        if b is complex128:
            return float64
        return b

    def _as_ref(self):
        return self if self._enum > 100 else DType(self._enum + 100)

    @property
    def is_floating(self):
        return _core.dtype_is_floating(self._enum)

    @property
    def is_integer(self):
        return _core.dtype_is_integer(self._enum)

    @property
    def is_complex(self):
        return _core.dtype_is_complex(self._enum)

    @property
    def is_quantized(self):
        return _core.dtype_is_quantized(self._enum)

    @property
    def is_bool(self):
        return self.base_dtype is bool

    @property
    def is_unsigned(self):
        return self.base_dtype in (uint8, uint16, uint32, uint64)

    @property
    def size(self):
        return _core.dtype_size(self._enum)

    @property
    def as_numpy_dtype(self):
        return _TO_NUMPY[self.base_dtype._enum]

    def is_compatible_with(self, other):
        other = as_dtype(other)
        return self._enum == other._enum or self._enum == other.base_dtype._enum

    def __eq__(self, other):
        if other is None:
            return False
        try:
            return self._enum == as_dtype(other)._enum
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return self._enum

    def __str__(self):
        return "<dtype: %r>" % self.name

    def __repr__(self):
        return "tf." + self.name

    def __reduce__(self):
        return as_dtype, (self.name,)


float32 = DType(1)
float64 = DType(2)
int32 = DType(3)
uint8 = DType(4)
int16 = DType(5)
int8 = DType(6)
string = DType(7)
complex64 = DType(8)
int64 = DType(9)
bool = DType(10)  # noqa: A001 (TF's own name)
qint8 = DType(11)
quint8 = DType(12)
qint32 = DType(13)
bfloat16 = DType(14)
qint16 = DType(15)
quint16 = DType(16)
uint16 = DType(17)
complex128 = DType(18)
float16 = DType(19)
resource = DType(20)
variant = DType(21)
uint32 = DType(22)
uint64 = DType(23)
half = float16
float = float32  # noqa: A001
double = float64

_TO_NUMPY = {
    1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16, 6: np.int8,
    7: object, 8: np.complex64, 9: np.int64, 10: np.bool_, 17: np.uint16, 18: np.complex128,
    19: np.float16, 22: np.uint32, 23: np.uint64,
}
_FROM_NUMPY = {
    np.dtype(np.float32): float32, np.dtype(np.float64): float64, np.dtype(np.int32): int32,
    np.dtype(np.uint8): uint8, np.dtype(np.int16): int16, np.dtype(np.int8): int8,
    np.dtype(np.complex64): complex64, np.dtype(np.int64): int64, np.dtype(np.bool_): bool,
    np.dtype(np.uint16): uint16, np.dtype(np.complex128): complex128,
    np.dtype(np.float16): float16, np.dtype(np.uint32): uint32, np.dtype(np.uint64): uint64,
}


def as_dtype(type_value):
    """Converts a DType, a name, an enum number or a numpy type to a DType."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, int) and not isinstance(type_value, type(True)):
        if type_value in DType._cache or 0 < type_value < 124:
            return DType(type_value)
    if isinstance(type_value, str):
        enum = _core.dtype_from_name(type_value)
        if enum is not None:
            return DType(enum)
    try:
        dt = np.dtype(type_value)
        if dt in _FROM_NUMPY:
            return _FROM_NUMPY[dt]
        if dt.kind in ("U", "S", "O"):
            return string
    except TypeError:
        pass
    raise TypeError(_core.messages.dtype_not_convertible(repr(type_value)))
