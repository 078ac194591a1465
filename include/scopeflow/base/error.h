// The one exception type scopeflow throws, with a code that decides its Python class.
#pragma once

#include <stdexcept>
#include <string>

namespace scopeflow {

/// What went wrong, from a small closed set (in the spirit of absl::StatusCode). The Python
/// bindings map each code to the class TensorFlow 1.15 raises at graph-building time.
enum class Code {
  kInvalidArgument,     ///< ValueError: a bad name, shape, dtype or option value.
  kTypeMismatch,        ///< TypeError: an argument of the wrong kind.
  kNotFound,            ///< KeyError: a name that refers to nothing in the graph.
  kAlreadyExists,       ///< ValueError: something with that name exists already.
  kFailedPrecondition,  ///< RuntimeError: the API was used in the wrong order (scope nesting).
  kOutOfRange,          ///< IndexError: an index past the end.
  kUnimplemented,       ///< NotImplementedError.
  kDataLoss,            ///< A file is damaged.
  kInternal,            ///< An invariant of scopeflow itself broke (SF_CHECK).
};

/// Returns the code's name, e.g. "invalid argument".
const char* code_name(Code code);

/// scopeflow's exception: a code plus TensorFlow's own message text.
class Error : public std::runtime_error {
 public:
  Error(Code code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

namespace internal {
[[noreturn]] void check_failed(const char* cond, const char* file, int line,
                               const std::string& msg);
}  // namespace internal

}  // namespace scopeflow

/// Internal invariant: throws Error(kInternal) naming the file and line. Never aborts.
#define SF_CHECK(cond, msg)                                                           \
  do {                                                                                \
    if (!(cond)) ::scopeflow::internal::check_failed(#cond, __FILE__, __LINE__, msg); \
  } while (0)
