// Shared helpers for scopeflow's GoogleTest suite: exact-error assertions, a fixture that
// gives each test a fresh graph entered as default, and snapshots of a graph's state.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/scopeflow.h"

namespace scopeflow::testing {

/// Checks that `f` throws scopeflow::Error with `code` and a what() equal to `message`.
template <typename F>
::testing::AssertionResult ThrowsError(F&& f, Code code, std::string_view message) {
  try {
    f();
  } catch (const Error& e) {
    if (e.code() == code && std::string_view(e.what()) == message)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "threw code '" << code_name(e.code()) << "' with message\n  \"" << e.what()
           << "\"\nexpected code '" << code_name(code) << "' with message\n  \"" << message << "\"";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-scopeflow exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw; expected code '" << code_name(code)
                                       << "' with message \"" << message << "\"";
}

/// As ThrowsError, comparing only the first line of what() (TF's "Originally defined at:"
/// messages continue with a traceback that depends on the caller).
template <typename F>
::testing::AssertionResult ThrowsErrorFirstLine(F&& f, Code code, std::string_view first_line) {
  try {
    f();
  } catch (const Error& e) {
    std::string_view what = e.what();
    std::string_view line = what.substr(0, what.find('\n'));
    if (e.code() == code && line == first_line) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "threw code '" << code_name(e.code()) << "' with first line\n  \"" << line
           << "\"\nexpected code '" << code_name(code) << "' with first line\n  \"" << first_line
           << "\"";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-scopeflow exception: " << e.what();
  }
  return ::testing::AssertionFailure()
         << "did not throw; expected first line \"" << first_line << "\"";
}

/// As ThrowsError, comparing only the start of what() (for texts the spec gives in part).
template <typename F>
::testing::AssertionResult ThrowsErrorPrefix(F&& f, Code code, std::string_view prefix) {
  try {
    f();
  } catch (const Error& e) {
    std::string_view what = e.what();
    if (e.code() == code && what.substr(0, prefix.size()) == prefix)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "threw code '" << code_name(e.code()) << "' with message\n  \"" << what
           << "\"\nexpected code '" << code_name(code) << "' with a message starting\n  \""
           << prefix << "\"";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-scopeflow exception: " << e.what();
  }
  return ::testing::AssertionFailure()
         << "did not throw; expected a message starting \"" << prefix << "\"";
}

/// Checks only the code (for scopeflow's own messages, which TF does not define).
template <typename F>
::testing::AssertionResult ThrowsCode(F&& f, Code code) {
  try {
    f();
  } catch (const Error& e) {
    if (e.code() == code && std::string_view(e.what()).size() > 0)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "threw code '" << code_name(e.code()) << "' (\""
                                         << e.what() << "\"), expected '" << code_name(code) << "'";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-scopeflow exception: " << e.what();
  }
  return ::testing::AssertionFailure()
         << "did not throw; expected code '" << code_name(code) << "'";
}

// The statement comes last so that it may contain top-level commas.
#define SF_EXPECT_ERROR(code, message, ...) \
  EXPECT_TRUE(::scopeflow::testing::ThrowsError([&] { __VA_ARGS__; }, code, message))
#define SF_EXPECT_ERROR_FIRST_LINE(code, first_line, ...) \
  EXPECT_TRUE(::scopeflow::testing::ThrowsErrorFirstLine([&] { __VA_ARGS__; }, code, first_line))
#define SF_EXPECT_ERROR_PREFIX(code, prefix, ...) \
  EXPECT_TRUE(::scopeflow::testing::ThrowsErrorPrefix([&] { __VA_ARGS__; }, code, prefix))
#define SF_EXPECT_CODE(code, ...) \
  EXPECT_TRUE(::scopeflow::testing::ThrowsCode([&] { __VA_ARGS__; }, code))

/// A fresh graph, made the thread's default for the test (Haiku's transform_and_run role).
class DefaultGraphTest : public ::testing::Test {
 protected:
  Graph g_;
  GraphGuard guard_{g_};
};

/// get_variable options with a shape (and optionally a dtype).
inline GetVariableOptions Shaped(std::initializer_list<int64_t> dims) {
  GetVariableOptions o;
  o.shape = PartialShape(dims);
  return o;
}
inline GetVariableOptions Shaped(std::initializer_list<int64_t> dims, DataType dtype) {
  GetVariableOptions o = Shaped(dims);
  o.dtype = dtype;
  return o;
}

/// tf.Variable options with a name.
inline VariableOptions Named(std::string name) {
  VariableOptions o;
  o.name = std::move(name);
  return o;
}

inline Tensor F32(float v) { return Tensor::scalar(v); }
inline Tensor I32(int32_t v) { return Tensor::scalar(v); }

/// A float tensor of `shape` holding `values` in row-major order.
inline Tensor FloatTensor(std::vector<int64_t> shape, std::vector<float> values) {
  Tensor t(DataType::kFloat, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i) t.data<float>()[i] = values[i];
  return t;
}

/// Op names in creation order.
inline std::vector<std::string> OpNames(const Graph& g) {
  std::vector<std::string> out;
  for (const Operation& op : g.get_operations()) out.emplace_back(op.name());
  return out;
}

/// Op types in creation order.
inline std::vector<std::string> OpTypes(const Graph& g) {
  std::vector<std::string> out;
  for (const Operation& op : g.get_operations()) out.emplace_back(op.type());
  return out;
}

/// Names of the variables in a collection (tf.global_variables() and friends).
inline std::vector<std::string> VariableNames(const Graph& g, std::string_view key,
                                              std::optional<std::string_view> scope = {}) {
  std::vector<std::string> out;
  for (const Variable& v : g.variables(key, scope)) out.push_back(v.name());
  return out;
}

/// Names of all items of a collection.
inline std::vector<std::string> CollectionNames(const Graph& g, std::string_view key,
                                                std::optional<std::string_view> scope = {}) {
  std::vector<std::string> out;
  for (const CollectionItem& i : g.get_collection(key, scope)) out.push_back(i.name());
  return out;
}

/// What a failed call must leave untouched: operations, variables and collections.
struct GraphSnapshot {
  std::vector<std::string> op_names;
  size_t num_variables = 0;
  std::vector<std::pair<std::string, std::vector<std::string>>> collections;

  bool operator==(const GraphSnapshot& o) const {
    return op_names == o.op_names && num_variables == o.num_variables &&
           collections == o.collections;
  }
};

inline GraphSnapshot Snapshot(const Graph& g) {
  GraphSnapshot s;
  s.op_names = OpNames(g);
  s.num_variables = g.num_variables();
  for (const std::string& key : g.get_all_collection_keys())
    s.collections.emplace_back(key, CollectionNames(g, key));
  return s;
}

inline void PrintTo(const GraphSnapshot& s, std::ostream* os) {
  *os << "{ops: [";
  for (const auto& n : s.op_names) *os << n << " ";
  *os << "], variables: " << s.num_variables << ", collections: {";
  for (const auto& [k, v] : s.collections) {
    *os << k << ": [";
    for (const auto& n : v) *os << n << " ";
    *os << "] ";
  }
  *os << "}}";
}

}  // namespace scopeflow::testing
