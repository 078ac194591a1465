// `sf demo`: the TF1 naming seed examples (conformance cases 001-011) built with the C++ API,
// each printing what TensorFlow 1.15 prints, then the scope tree of all of them in one graph.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/scopeflow.h"
#include "sf.h"

namespace scopeflow::tools {

namespace {

// What an example prints, one entry per Python print().
using Lines = std::vector<std::string>;

// ---- Python's printed forms ----

// The Python class TF 1.15 raises for an error code at graph-building time (the same table
// as the Python bindings' exception translator).
const char* python_class(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kAlreadyExists:
      return "ValueError";
    case Code::kTypeMismatch:
      return "TypeError";
    case Code::kNotFound:
      return "KeyError";
    case Code::kOutOfRange:
      return "IndexError";
    case Code::kUnimplemented:
      return "NotImplementedError";
    case Code::kFailedPrecondition:
    case Code::kDataLoss:
    case Code::kInternal:
      return "RuntimeError";
  }
  return "RuntimeError";
}

// The cases' show(e): `type(e).__name__ + ": " + str(e).splitlines()[0]`.
std::string show(const Error& e) {
  std::string_view msg = e.what();
  return std::string(python_class(e.code())) + ": " + std::string(msg.substr(0, msg.find('\n')));
}

// repr() of a str that needs no escaping (scope and variable names never do).
std::string py_repr(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string py_bool(bool b) { return b ? "True" : "False"; }

// `[v.name for v in vars]` as Python prints the list.
std::string py_names(const std::vector<Variable>& vars) {
  std::string s = "[";
  for (size_t i = 0; i < vars.size(); ++i) s += (i ? ", " : "") + py_repr(vars[i].name());
  return s + "]";
}

// get_variable's `shape=[...]` (and `dtype=tf.float32` where the case spells it out).
GetVariableOptions shape(std::initializer_list<int64_t> dims) {
  return GetVariableOptions{.shape = PartialShape(dims)};
}
GetVariableOptions shape_f32(std::initializer_list<int64_t> dims) {
  return GetVariableOptions{.shape = PartialShape(dims), .dtype = DataType::kFloat};
}

// ---- The examples ----
// Each `guards` function is the case's snippet in implicit style: RAII guards over the default
// graph's scope stack, ops and variables in current_scope(). Each `explicit_scope` function is
// the same snippet with Scope values derived from `top`, no guards and no default graph.

// 001: with tf.variable_scope("tet1"): ... with tf.variable_scope("tet2"): ...
void nested_guards(Lines& out) {
  VariableScopeGuard tet1("tet1");
  Variable var3 = get_variable("var3", shape_f32({2}));
  out.push_back(var3.name());
  VariableScopeGuard tet2("tet2");
  Variable var4 = get_variable("var4", shape_f32({2}));
  out.push_back(var4.name());
}

void nested_explicit(const Scope& top, Lines& out) {
  Scope tet1 = top.variable_scope("tet1");
  out.push_back(get_variable(tet1, "var3", shape_f32({2})).name());
  Scope tet2 = tet1.variable_scope("tet2");
  out.push_back(get_variable(tet2, "var4", shape_f32({2})).name());
}

// 002: te2() opens "te2" and calls te1(), which opens "te1" inside it; te1() alone opens it
// at the top.
Variable te1_guards() {
  VariableScopeGuard s("te1");
  return get_variable("var1", shape_f32({2}));
}

std::pair<Variable, Variable> te2_guards() {
  VariableScopeGuard s("te2");
  Variable var2 = get_variable("var2", shape_f32({2}));
  Variable var1 = te1_guards();
  return {var1, var2};
}

void functions_guards(Lines& out) {
  auto [var1, var2] = te2_guards();
  out.push_back(var2.name());
  out.push_back(var1.name());
  out.push_back(te1_guards().name());
}

// The explicit form passes the caller's scope in, as a TF C++ or Flax module would.
Variable te1_explicit(const Scope& s) {
  return get_variable(s.variable_scope("te1"), "var1", shape_f32({2}));
}

std::pair<Variable, Variable> te2_explicit(const Scope& s) {
  Scope te2 = s.variable_scope("te2");
  Variable var2 = get_variable(te2, "var2", shape_f32({2}));
  Variable var1 = te1_explicit(te2);
  return {var1, var2};
}

void functions_explicit(const Scope& top, Lines& out) {
  auto [var1, var2] = te2_explicit(top);
  out.push_back(var2.name());
  out.push_back(var1.name());
  out.push_back(te1_explicit(top).name());
}

// 003: a variable scope "scope" inside "scope"; print(w) shows the variable's repr.
void same_name_guards(Lines& out) {
  Variable w1, w2;
  {
    VariableScopeGuard outer("scope");
    w1 = get_variable("w", shape({1}));
    VariableScopeGuard inner("scope");
    w2 = get_variable("w", shape({1}));
  }
  out.push_back(w1.repr());
  out.push_back(w2.repr());
}

// 004: re-entering the current variable scope object without reuse: its original name scope
// stays "yin/", ops go to a fresh name scope "yin/yin/", and "w" exists already.
void reenter_guards(Lines& out) {
  VariableScopeGuard yin("yin");
  get_variable("w", shape({1}));
  VariableScope scope = current_scope().variable_scope();  // tf.get_variable_scope()
  out.push_back(scope.name());
  VariableScopeGuard again(scope);
  out.push_back(current_scope().variable_scope().original_name_scope());
  out.push_back(ops::constant(Tensor::scalar(0.0f)).name());
  try {
    get_variable("w", shape({1}));
  } catch (const Error& e) {
    out.push_back(show(e));
  }
}

void reenter_explicit(const Scope& top, Lines& out) {
  Scope yin = top.variable_scope("yin");
  get_variable(yin, "w", shape({1}));
  VariableScope scope = yin.variable_scope();
  out.push_back(scope.name());
  Scope again = yin.variable_scope(scope);
  out.push_back(again.variable_scope().original_name_scope());
  out.push_back(ops::constant(again, Tensor::scalar(0.0f)).name());
  try {
    get_variable(again, "w", shape({1}));
  } catch (const Error& e) {
    out.push_back(show(e));
  }
}

// 005: reuse_variables() on the current scope; sub-scopes entered afterwards inherit it.
void sharing_guards(Lines& out) {
  Variable w1, w2, w1_again, w2_again;
  {
    VariableScopeGuard level1("level1");
    w1 = get_variable("w", shape({1}));
    {
      VariableScopeGuard level2("level2");
      w2 = get_variable("w", shape({1}));
    }
    current_scope().variable_scope().reuse_variables();
    w1_again = get_variable("w", shape({1}));
    {
      VariableScopeGuard level2("level2");
      w2_again = get_variable("w", shape({1}));
    }
  }
  out.push_back(w1.name());
  out.push_back(w2.name());
  out.push_back(w1_again.name());
  out.push_back(w2_again.name());
  out.push_back(py_bool(w1_again == w1) + " " + py_bool(w2_again == w2));
}

void sharing_explicit(const Scope& top, Lines& out) {
  Scope level1 = top.variable_scope("level1");
  Variable w1 = get_variable(level1, "w", shape({1}));
  Variable w2 = get_variable(level1.variable_scope("level2"), "w", shape({1}));
  // The VariableScope object is shared: every Scope holding it now reuses.
  level1.variable_scope().reuse_variables();
  Variable w1_again = get_variable(level1, "w", shape({1}));
  Variable w2_again = get_variable(level1.variable_scope("level2"), "w", shape({1}));
  out.push_back(w1.name());
  out.push_back(w2.name());
  out.push_back(w1_again.name());
  out.push_back(w2_again.name());
  out.push_back(py_bool(w1_again == w1) + " " + py_bool(w2_again == w2));
}

// 006: test(name=None) opens variable_scope(name, default_name="scope"); called twice.
void default_name_test_guards(std::optional<std::string_view> name = std::nullopt) {
  std::unique_ptr<VariableScopeGuard> scope = name ? std::make_unique<VariableScopeGuard>(*name)
                                                   : VariableScopeGuard::with_default_name("scope");
  get_variable("w", shape({2, 10}));
}

void default_name_guards(Lines& out) {
  default_name_test_guards();
  default_name_test_guards();
  out.push_back(py_names(current_scope().graph().variables(graph_keys::kTrainableVariables)));
}

void default_name_test_explicit(const Scope& s) {
  get_variable(s.default_variable_scope("scope"), "w", shape({2, 10}));
}

void default_name_explicit(const Scope& top, Lines& out) {
  default_name_test_explicit(top);
  default_name_test_explicit(top);
  out.push_back(py_names(top.graph().variables(graph_keys::kTrainableVariables)));
}

// 007: get_variable ignores name scopes; so does the variable scope's original_name_scope.
void ignores_name_scope_guards(Lines& out) {
  NameScope name_scope("hello");
  Variable arr1 = get_variable("arr1", shape_f32({2, 10}));
  out.push_back(name_scope.name());
  out.push_back(arr1.name());
  out.push_back(py_repr(current_scope().variable_scope().original_name_scope()));
}

// 008: a variable scope's name and original_name_scope, nested.
void properties_guards(Lines& out) {
  VariableScopeGuard variable_scope("hello");
  Variable arr1 = get_variable("arr1", shape_f32({2, 10}));
  out.push_back(variable_scope.variable_scope().name());
  out.push_back(arr1.name());
  out.push_back(current_scope().variable_scope().original_name_scope());
  VariableScopeGuard v_scope2("xixi");
  out.push_back(v_scope2.variable_scope().name());
  out.push_back(current_scope().variable_scope().original_name_scope());
}

// 009: a name scope prefixes ops but not get_variable's variables.
void add_under_scopes_guards(Lines& out) {
  Variable w;
  Output res;
  {
    NameScope name1("name1");
    VariableScopeGuard var1("var1");
    w = get_variable("w", shape({2}));
    res = ops::add(w, {3});
  }
  out.push_back(w.name());
  out.push_back(res.name());
  out.push_back(res.str());
}

void add_under_scopes_explicit(const Scope& top, Lines& out) {
  Scope var1 = top.name_scope("name1").variable_scope("var1");
  Variable w = get_variable(var1, "w", shape({2}));
  Output res = ops::add(var1, w, {3});
  out.push_back(w.name());
  out.push_back(res.name());
  out.push_back(res.str());
}

// 010: tf.Variable, unlike get_variable, is named by the name scope.
void tf_variables_guards(Lines& out) {
  std::string scope;
  Variable a, W, b;  // NOLINT(readability-identifier-naming): the case's names
  {
    NameScope hidden("hidden");
    scope = hidden.name();
    a = make_variable(5.0f, {.name = "alpha"});
    Tensor weights(DataType::kFloat, {1, 2});
    weights.data<float>()[0] = 0.5f;
    weights.data<float>()[1] = -0.5f;
    W = make_variable(weights, {.name = "weights"});
    b = make_variable(Tensor::vector<float>({0.0f}), {.name = "biases"});
  }
  out.push_back(scope);
  out.push_back(a.name());
  out.push_back(W.name());
  out.push_back(b.name());
  out.push_back(W.repr());
}

// 011: name_scope(None) returns to the top for tf.Variable's default name.
void name_scope_none_guards(Lines& out) {
  Variable w1, w2;
  {
    NameScope hehe("hehe");
    w1 = make_variable(1.0f);
    NameScope none(std::nullopt);
    w2 = make_variable(2.0f);
  }
  out.push_back(w1.name());
  out.push_back(w2.name());
}

void name_scope_none_explicit(const Scope& top, Lines& out) {
  Scope hehe = top.name_scope("hehe");
  Variable w1 = make_variable(hehe, 1.0f);
  Variable w2 = make_variable(hehe.name_scope(""), 2.0f);
  out.push_back(w1.name());
  out.push_back(w2.name());
}

struct Example {
  const char* id;     // the conformance case it reproduces
  const char* title;  // what it shows
  void (*guards)(Lines& out);
  void (*explicit_scope)(const Scope& top, Lines& out);  // nullptr: guards only
  Lines tf_output;  // what TF 1.15 prints: the case's .out file
};

const std::vector<Example>& examples() {
  static const std::vector<Example> kExamples = {
      {"001",
       "Nested variable scopes",
       nested_guards,
       nested_explicit,
       {"tet1/var3:0", "tet1/tet2/var4:0"}},
      {"002",
       "A function's variable scope, entered inside another function and at the top",
       functions_guards,
       functions_explicit,
       {"te2/var2:0", "te2/te1/var1:0", "te1/var1:0"}},
      {"003",
       "Same scope name nested; variables' reprs",
       same_name_guards,
       nullptr,
       {"<tf.Variable 'scope/w:0' shape=(1,) dtype=float32_ref>",
        "<tf.Variable 'scope/scope/w:0' shape=(1,) dtype=float32_ref>"}},
      {"004",
       "Re-entering the current scope object without reuse",
       reenter_guards,
       reenter_explicit,
       {"yin", "yin/", "yin/yin/Const:0",
        "ValueError: Variable yin/w already exists, disallowed. Did you mean to set reuse=True "
        "or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:"}},
      {"005",
       "Sharing with reuse_variables()",
       sharing_guards,
       sharing_explicit,
       {"level1/w:0", "level1/level2/w:0", "level1/w:0", "level1/level2/w:0", "True True"}},
      {"006",
       "default_name in a function called twice",
       default_name_guards,
       default_name_explicit,
       {"['scope/w:0', 'scope_1/w:0']"}},
      {"007",
       "get_variable ignores a name_scope",
       ignores_name_scope_guards,
       nullptr,
       {"hello/", "arr1:0", "''"}},
      {"008",
       "Variable scope name and original_name_scope",
       properties_guards,
       nullptr,
       {"hello", "hello/arr1:0", "hello/", "hello/xixi", "hello/xixi/"}},
      {"009",
       "name_scope prefixes ops, not get_variable",
       add_under_scopes_guards,
       add_under_scopes_explicit,
       {"var1/w:0", "name1/var1/Add:0", "Tensor(\"name1/var1/Add:0\", shape=(2,), dtype=float32)"}},
      {"010",
       "tf.Variable follows the name scope",
       tf_variables_guards,
       nullptr,
       {"hidden/", "hidden/alpha:0", "hidden/weights:0", "hidden/biases:0",
        "<tf.Variable 'hidden/weights:0' shape=(1, 2) dtype=float32_ref>"}},
      {"011",
       "name_scope(None) clears the name scope",
       name_scope_none_guards,
       name_scope_none_explicit,
       {"hehe/Variable:0", "Variable:0"}},
  };
  return kExamples;
}

// Runs one example in a fresh graph, as each conformance case runs on a fresh graph.
Lines run_guards(const Example& ex) {
  Graph g;
  GraphGuard as_default(g);
  Lines out;
  ex.guards(out);
  return out;
}

Lines run_explicit(const Example& ex) {
  Graph g;  // deliberately not made the default graph: explicit code must not need one
  Lines out;
  ex.explicit_scope(Scope::root(g), out);
  return out;
}

void print_lines(const Lines& lines, std::string_view indent = "") {
  for (const std::string& l : lines) std::cout << indent << l << '\n';
}

int run_demo(const ScopeTreeOptions& tree_options) {
  std::cout << "sf demo: TensorFlow 1.15's naming examples (conformance seed cases 001-011), "
               "built with scopeflow's C++ API.\n"
               "Each example builds into a fresh Graph and prints exactly what its TF1 snippet "
               "prints.\n";
  int mismatches = 0;
  int both_styles = 0;
  for (const Example& ex : examples()) {
    const Lines guards = run_guards(ex);
    std::optional<Lines> explicit_lines;
    if (ex.explicit_scope) explicit_lines = run_explicit(ex);
    std::cout << "\n[" << ex.id << "] " << ex.title << "  ("
              << (explicit_lines ? (*explicit_lines == guards ? "RAII guards; explicit Scope: same"
                                                              : "RAII guards; explicit Scope")
                                 : "RAII guards")
              << ")\n";
    print_lines(guards);
    if (explicit_lines) {
      ++both_styles;
      if (*explicit_lines != guards) {
        ++mismatches;
        std::cout << "!! the explicit Scope version printed instead:\n";
        print_lines(*explicit_lines, "!!   ");
      }
    }
    if (guards != ex.tf_output) {
      ++mismatches;
      std::cout << "!! TF 1.15 prints instead:\n";
      print_lines(ex.tf_output, "!!   ");
    }
  }

  // The tree needs every example in one graph. Run at the top level together they would
  // collide (003 and 006 both create "scope/w"; get_variable would raise), so each example
  // runs inside its own top-level variable scope "caseNNN". That prefixes its variables and
  // ops, except what the example deliberately builds at the top: 011's name_scope(None) puts
  // its "Variable" at the root, where it shows in the tree's root counts.
  Graph all;
  {
    GraphGuard as_default(all);
    for (const Example& ex : examples()) {
      VariableScopeGuard wrap(std::string("case") + ex.id);
      Lines ignored;
      ex.guards(ignored);
    }
  }
  std::cout << "\nScope tree of all " << examples().size()
            << " examples in one graph (each under a top-level variable scope \"caseNNN\"):\n";
  print_scope_tree(std::cout, all, tree_options);

  std::cout << '\n';
  if (mismatches == 0) {
    std::cout << "All " << examples().size() << " examples print what TF 1.15 prints; the "
              << both_styles << " built both ways give the same names with guards and with "
              << "explicit Scopes.\n";
    return 0;
  }
  std::cout << mismatches << " difference(s) from TF 1.15 (marked !! above).\n";
  return 1;
}

}  // namespace

Command add_demo_command(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "demo",
      "Train a two-tower model with shared weights (progress bar, then its scope tree and "
      "variables); with --naming, build TF1's naming seed examples with the C++ API instead, "
      "each checked against TF 1.15's output");
  auto tree_options = std::make_shared<ScopeTreeOptions>();
  add_scope_tree_options(*cmd, *tree_options);
  auto naming = std::make_shared<bool>(false);
  cmd->add_flag("--naming", *naming, "Run the naming seed examples (conformance cases 001-011)");
  return Command{cmd, [tree_options, naming] {
                   return *naming ? run_demo(*tree_options) : run_train_demo(*tree_options);
                 }};
}

}  // namespace scopeflow::tools
