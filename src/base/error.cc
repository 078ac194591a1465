// Error codes' names and the SF_CHECK failure path.
#include "scopeflow/base/error.h"

#include <fmt/format.h>

namespace scopeflow {

const char* code_name(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kTypeMismatch:
      return "type mismatch";
    case Code::kNotFound:
      return "not found";
    case Code::kAlreadyExists:
      return "already exists";
    case Code::kFailedPrecondition:
      return "failed precondition";
    case Code::kOutOfRange:
      return "out of range";
    case Code::kUnimplemented:
      return "unimplemented";
    case Code::kDataLoss:
      return "data loss";
    case Code::kInternal:
      return "internal";
  }
  return "unknown";
}

namespace internal {
void check_failed(const char* cond, const char* file, int line, const std::string& msg) {
  throw Error(Code::kInternal, fmt::format("{}:{}: check failed: {}: {}", file, line, cond, msg));
}
}  // namespace internal

}  // namespace scopeflow
