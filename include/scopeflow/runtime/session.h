// Session: runs parts of a graph on the CPU. Variables live in the session; each distinct
// (feeds, fetches, targets) signature is compiled once into a plan and cached.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/handles.h"

namespace scopeflow::runtime {

class OpKernel;

/// A kernel-time failure: TF's OpError. `code` follows TF's error classes (InvalidArgument,
/// FailedPrecondition, ...); `node` is the op that failed. The message is TF's, followed by
/// "\n\t [[{{node <name>}}]]" as TF prints it.
enum class RunCode { kInvalidArgument, kFailedPrecondition, kNotFound, kOutOfRange, kUnimplemented,
                     kInternal, kResourceExhausted };
class OpError : public Error {
 public:
  OpError(RunCode code, std::string message, std::string node);
  RunCode run_code() const { return run_code_; }
  const std::string& node() const { return node_; }
  /// The message without the node suffix.
  const std::string& detail() const { return detail_; }

 private:
  RunCode run_code_;
  std::string node_, detail_;
};

/// Per-session state that outlives a step: variable values and each node's kernel (random
/// ops keep their generator position in it, as TF's kernels do).
class SessionState {
 public:
  explicit SessionState(Graph& g) : graph_(&g) {}
  /// The storage of variable node `node` (invalid until assigned).
  Tensor* variable(uint32_t node);
  OpKernel* kernel(Operation op);
  Graph& graph() const { return *graph_; }
  /// A seed for ops that were given none (TF's random seeding of unseeded ops).
  uint64_t fresh_seed();

 private:
  Graph* graph_;
  std::vector<std::unique_ptr<Tensor>> variables_;  // by node index, grown on demand
  std::vector<std::unique_ptr<OpKernel>> kernels_;  // by node index
  uint64_t seed_state_ = 0x853c49e6748fea9bULL;
};

struct Plan;

/// Runs a graph.
///
///   Session sess(graph);
///   sess.run({}, {}, {init_op});
///   std::vector<Tensor> out = sess.run({{x, value}}, {y});
class Session {
 public:
  using Feed = std::pair<Output, Tensor>;

  explicit Session(Graph& graph);
  /// Keeps `graph` alive as long as the session.
  explicit Session(std::shared_ptr<Graph> graph);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Feeds `feeds`, runs what `fetches` and `targets` need, and returns the fetched values
  /// in order. Throws OpError for kernel failures (the session stays usable) and Error
  /// (kInvalidArgument) for a feed whose dtype or shape does not fit its tensor.
  std::vector<Tensor> run(std::span<const Feed> feeds, std::span<const Output> fetches,
                          std::span<const Operation> targets = {});
  std::vector<Tensor> run(std::initializer_list<Feed> feeds, std::initializer_list<Output> fetches,
                          std::initializer_list<Operation> targets = {}) {
    return run(std::span<const Feed>(feeds.begin(), feeds.size()),
               std::span<const Output>(fetches.begin(), fetches.size()),
               std::span<const Operation>(targets.begin(), targets.size()));
  }
  /// One fetch, no feeds.
  Tensor run(const Output& fetch);
  /// Runs ops for their effect (an initializer, a train op).
  void run(const Operation& target);

  Graph& graph() const { return *graph_; }
  /// Number of compiled plans in the cache.
  size_t num_plans() const;
  /// The ops a run with these feeds, fetches and targets executes, in execution order (the
  /// cached plan's). Stateless ops needed only through control edges are left out when the
  /// plan has no tf.cond: nothing could observe them (see session.cc).
  std::vector<Operation> planned_ops(std::span<const Feed> feeds, std::span<const Output> fetches,
                                     std::span<const Operation> targets = {});
  /// Releases variables and plans; later runs throw kFailedPrecondition
  /// "Attempted to use a closed Session.".
  void close();

 private:
  std::shared_ptr<Graph> keep_;
  Graph* graph_;
  mutable std::mutex mu_;
  bool closed_ = false;
  std::unique_ptr<SessionState> state_;
  std::vector<std::unique_ptr<Plan>> plans_;
  Plan& plan_for(std::span<const Feed> feeds, std::span<const Output> fetches,
                 std::span<const Operation> targets);
};

}  // namespace scopeflow::runtime
