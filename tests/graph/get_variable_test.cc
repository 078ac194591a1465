// tf.get_variable (spec §9): naming by variable scope only, the store and reuse checks with
// TF's exact messages, default initializers, custom getters, regularizers, partitioned and
// local variables.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using testing::I32;
using testing::OpNames;
using testing::Shaped;
using testing::VariableNames;
using GetVariable = testing::DefaultGraphTest;

std::string AlreadyExists(const std::string& name) {
  return "Variable " + name +
         " already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in "
         "VarScope? Originally defined at:";
}
std::string DoesNotExist(const std::string& name) {
  return "Variable " + name +
         " does not exist, or was not created with tf.get_variable(). Did you mean to set "
         "reuse=tf.AUTO_REUSE in VarScope?";
}
constexpr const char* kInitializerNotValid =
    "The initializer passed is not valid. It should be a callable with no arguments and the "
    "shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` should "
    "be fully defined.";

CustomGetter RenamingGetter(std::string suffix) {
  CustomGetter g;
  g.fn = [suffix](const Getter& next, const GetterArgs& args) {
    GetterArgs renamed = args;
    renamed.name += suffix;
    return next(renamed);
  };
  return g;
}

// ---- Names (conformance cases 024, 007) ----

TEST(GetVariableExplicit, CreatesTheGlorotInitializerOpsThenTheVariableOps) {
  Graph g;
  Variable w = get_variable(Scope::root(g).variable_scope("scope"), "w", Shaped({1}));
  EXPECT_EQ(OpNames(g), (std::vector<std::string>{
                            "scope/w/Initializer/random_uniform/shape",
                            "scope/w/Initializer/random_uniform/min",
                            "scope/w/Initializer/random_uniform/max",
                            "scope/w/Initializer/random_uniform/RandomUniform",
                            "scope/w/Initializer/random_uniform/sub",
                            "scope/w/Initializer/random_uniform/mul",
                            "scope/w/Initializer/random_uniform",
                            "scope/w",
                            "scope/w/Assign",
                            "scope/w/read",
                        }));
  EXPECT_EQ(w.initial_value().name(), "scope/w/Initializer/random_uniform:0");
  EXPECT_EQ(w.value().name(), "scope/w/read:0");
  EXPECT_EQ(w.initializer().name(), "scope/w/Assign");
}

TEST_F(GetVariable, OpsMatchCase024WithGuards) {
  Variable w;
  {
    VariableScopeGuard s("scope");
    w = get_variable("w", Shaped({1}));
  }
  ASSERT_EQ(g_.num_operations(), 10u);
  EXPECT_EQ(g_.operation(6).name(), "scope/w/Initializer/random_uniform");
  EXPECT_EQ(g_.operation(7).name(), "scope/w");
  EXPECT_EQ(g_.operation(7).type(), "VariableV2");
  EXPECT_EQ(g_.operation(8).type(), "Assign");
  EXPECT_EQ(g_.operation(9).type(), "Identity");
  EXPECT_EQ(w.initial_value().name(), "scope/w/Initializer/random_uniform:0");
}

TEST_F(GetVariable, IgnoresTheNameScope) {
  NameScope hello("hello");
  EXPECT_EQ(get_variable("arr1", Shaped({2, 10})).name(), "arr1:0");
  EXPECT_EQ(current_scope().variable_scope().original_name_scope(), "");
}

TEST(GetVariableExplicit, IgnoresTheNameScopeExplicitly) {
  Graph g;
  Scope s = Scope::root(g).variable_scope("v").name_scope("a").name_scope("b");
  Variable w = get_variable(s, "w", Shaped({1}));
  EXPECT_EQ(w.name(), "v/w:0");
  EXPECT_EQ(w.initial_value().name(), "v/w/Initializer/random_uniform:0");
}

TEST_F(GetVariable, GraphNameIsUniquifiedWhileTheStoreKeyIsNot) {
  Variable tf_var = make_variable(1.0f, testing::Named("v"));
  Variable v = get_variable("v", Shaped({1}));
  EXPECT_EQ(tf_var.name(), "v:0");
  EXPECT_EQ(v.name(), "v_1:0");
  ASSERT_TRUE(g_.stored_variable("v").has_value());
  EXPECT_EQ(*g_.stored_variable("v"), v);
  SF_EXPECT_ERROR_FIRST_LINE(Code::kInvalidArgument, AlreadyExists("v"),
                             get_variable("v", Shaped({1})));
}

TEST_F(GetVariable, AVariableScopeNameMakesAVariableWithThatNameTakeASuffix) {
  { VariableScopeGuard a("a"); }
  EXPECT_EQ(get_variable("a", Shaped({1})).name(), "a_1:0");
}

TEST_F(GetVariable, CaseInsensitiveCollisionOnlyAffectsTheGraphName) {
  Variable upper, lower;
  {
    VariableScopeGuard s("Blk");
    upper = get_variable("w", Shaped({1}));
  }
  {
    VariableScopeGuard s("blk");
    lower = get_variable("w", Shaped({1}));
  }
  EXPECT_EQ(upper.name(), "Blk/w:0");
  EXPECT_EQ(lower.name(), "blk/w_1:0");
  EXPECT_EQ(*g_.stored_variable("blk/w"), lower);
  EXPECT_EQ(*g_.stored_variable("Blk/w"), upper);
}

// ---- Store and reuse (conformance cases 026-032) ----

TEST_F(GetVariable, ExistingNameWithoutReuseFails) {
  VariableScopeGuard foo("foo");
  (void)get_variable("v", Shaped({1}));
  SF_EXPECT_ERROR_FIRST_LINE(Code::kInvalidArgument, AlreadyExists("foo/v"),
                             get_variable("v", Shaped({1})));
}

TEST_F(GetVariable, AlreadyExistsMessageEndsWithTheRecordedTraceback) {
  GetVariableOptions first = Shaped({1});
  int rendered = 0;
  first.defined_at = [&rendered] {
    ++rendered;
    return std::string("  File \"model.py\", line 3, in <module>\n");
  };
  (void)get_variable("v", first);
  // Rendered once, when the variable was created; a lookup that finds it renders nothing.
  GetVariableOptions again = Shaped({1});
  again.defined_at = [&rendered] {
    ++rendered;
    return std::string("unused");
  };
  current_scope().variable_scope().reuse_variables();
  (void)get_variable("v", again);
  EXPECT_EQ(rendered, 1);
  VariableScopeGuard no_reuse(VariableScope(std::make_shared<VariableScope::Data>()));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  AlreadyExists("v") + "\n\n  File \"model.py\", line 3, in <module>\n",
                  get_variable("v", Shaped({1})));
}

TEST_F(GetVariable, ReuseTrueWithAMissingVariableFails) {
  VariableScopeGuard foo("foo", {.reuse = Reuse::kTrue});
  SF_EXPECT_ERROR(Code::kInvalidArgument, DoesNotExist("foo/v"), get_variable("v", Shaped({1})));
}

TEST_F(GetVariable, ReuseTrueDoesNotFindTfVariables) {
  (void)make_variable(1.0f, testing::Named("v"));
  current_scope().variable_scope().reuse_variables();
  SF_EXPECT_ERROR(Code::kInvalidArgument, DoesNotExist("v"), get_variable("v", Shaped({})));
}

TEST_F(GetVariable, ReuseTrueReturnsTheSameVariable) {
  Variable v;
  {
    VariableScopeGuard foo("foo");
    v = get_variable("v", Shaped({1}));
  }
  VariableScopeGuard foo("foo", {.reuse = Reuse::kTrue});
  Variable v1 = get_variable("v", Shaped({1}));
  Variable v2 = get_variable("v");
  EXPECT_EQ(v1, v);
  EXPECT_EQ(v2, v);
  EXPECT_EQ(v1.name(), "foo/v:0");
  EXPECT_EQ(g_.variables().size(), 1u);
}

TEST(GetVariableExplicit, ReuseTrueReturnsTheSameVariableExplicitly) {
  Graph g;
  Scope root = Scope::root(g);
  Variable v = get_variable(root.variable_scope("foo"), "v", Shaped({1}));
  Scope reuse = root.variable_scope("foo", {.reuse = Reuse::kTrue});
  const size_t ops_before = g.num_operations();
  EXPECT_EQ(get_variable(reuse, "v", Shaped({1})), v);
  EXPECT_EQ(get_variable(reuse, "v"), v);
  EXPECT_EQ(g.num_operations(), ops_before);
  EXPECT_EQ(VariableNames(g, graph_keys::kGlobalVariables), (std::vector<std::string>{"foo/v:0"}));
}

TEST_F(GetVariable, AutoReuseGetsOrCreates) {
  auto foo = [] {
    VariableScopeGuard s("foo", {.reuse = Reuse::kAuto});
    return get_variable("v", Shaped({1}));
  };
  Variable v1 = foo();
  Variable v2 = foo();
  EXPECT_EQ(v1, v2);
  EXPECT_EQ(v1.name(), "foo/v:0");
  EXPECT_EQ(VariableNames(g_, graph_keys::kGlobalVariables), (std::vector<std::string>{"foo/v:0"}));
}

TEST_F(GetVariable, ReuseWithADifferentShapeFails) {
  {
    VariableScopeGuard foo("foo");
    (void)get_variable("v", Shaped({1}));
  }
  VariableScopeGuard foo("foo", {.reuse = Reuse::kTrue});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Trying to share variable foo/v, but specified shape (2,) and found shape (1,).",
                  get_variable("v", Shaped({2})));
}

TEST_F(GetVariable, ReuseWithAPartlyUnknownShapeIsCompatible) {
  Variable v = get_variable("v", Shaped({2, 3}));
  current_scope().variable_scope().reuse_variables();
  GetVariableOptions o;
  o.shape = PartialShape({-1, 3});
  EXPECT_EQ(get_variable("v", o), v);
  o.shape = PartialShape({-1, 4});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Trying to share variable v, but specified shape (?, 4) and found shape (2, 3).",
                  get_variable("v", o));
}

TEST_F(GetVariable, ReuseWithADifferentDtypeFails) {
  {
    VariableScopeGuard foo("foo");
    (void)get_variable("v", Shaped({1}));
  }
  VariableScopeGuard foo("foo", {.reuse = Reuse::kTrue});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Trying to share variable foo/v, but specified dtype int32 and found dtype "
                  "float32_ref.",
                  get_variable("v", Shaped({1}, DataType::kInt32)));
}

TEST_F(GetVariable, AReferenceDtypeIsReducedToItsBase) {
  Variable v = get_variable("v", Shaped({1}, ref_dtype(DataType::kFloat)));
  EXPECT_EQ(v.repr(), "<tf.Variable 'v:0' shape=(1,) dtype=float32_ref>");
  current_scope().variable_scope().reuse_variables();
  EXPECT_EQ(get_variable("v", Shaped({1}, ref_dtype(DataType::kFloat))), v);
}

TEST_F(GetVariable, ReuseVariablesOnTheScopeObject) {
  VariableScopeGuard foo("foo");
  Variable v = get_variable("v", Shaped({1}));
  foo.variable_scope().reuse_variables();
  Variable v1 = get_variable("v", Shaped({1}));
  EXPECT_EQ(foo.variable_scope().reuse(), Reuse::kTrue);
  EXPECT_EQ(v1, v);
}

// ---- Initializers (conformance cases 061, 062, 065) ----

TEST_F(GetVariable, WithoutShapeTheDefaultInitializerIsNotValid) {
  SF_EXPECT_ERROR(Code::kInvalidArgument, kInitializerNotValid, get_variable("v"));
  EXPECT_EQ(g_.variables().size(), 0u);
  EXPECT_EQ(g_.num_operations(), 0u);
}

TEST_F(GetVariable, PartlyUnknownShapeWithACallableInitializerIsNotValid) {
  GetVariableOptions o;
  o.shape = PartialShape({-1, 2});
  SF_EXPECT_ERROR(Code::kInvalidArgument, kInitializerNotValid, get_variable("v", o));
}

TEST_F(GetVariable, ATensorInitializerGivesShapeAndDtype) {
  Output init = ops::constant(F32(0.1f));
  GetVariableOptions o;
  o.initializer = Initializer::from_tensor(init);
  Variable w = get_variable("v", o);
  EXPECT_EQ(w.repr(), "<tf.Variable 'v:0' shape=() dtype=float32_ref>");
  EXPECT_EQ(w.initial_value(), init);
}

TEST_F(GetVariable, APythonValueInitializerBecomesTheInitialValueConst) {
  GetVariableOptions o;
  o.initializer = Initializer::from_value(F32(2));
  Variable v = get_variable("v", o);
  EXPECT_EQ(v.repr(), "<tf.Variable 'v:0' shape=() dtype=float32_ref>");
  EXPECT_EQ(v.initial_value().name(), "v/initial_value:0");
  EXPECT_EQ(OpNames(g_), (std::vector<std::string>{"v/initial_value", "v", "v/Assign", "v/read"}));
}

TEST_F(GetVariable, AValueInitializerWithADtypeIsConvertedOnceAtTheRootToCheckIt) {
  // VariableScope.get_variable converts the value (a root Const) to compare dtypes (§9.1).
  NameScope ns("ns");
  GetVariableOptions o;
  o.initializer = Initializer::from_value(F32(2));
  o.dtype = DataType::kFloat;
  Variable v = get_variable("v", o);
  EXPECT_EQ(v.repr(), "<tf.Variable 'v:0' shape=() dtype=float32_ref>");
  EXPECT_EQ(OpNames(g_),
            (std::vector<std::string>{"Const", "v/initial_value", "v", "v/Assign", "v/read"}));
}

TEST_F(GetVariable, AConstantInitializerWithAShapeFails) {
  GetVariableOptions o = Shaped({1});
  o.initializer = Initializer::from_tensor(ops::constant(F32(0.1f)));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "If initializer is a constant, do not specify shape.",
                  get_variable("u", o));
}

TEST_F(GetVariable, TheInitializerValueDecidesTheDtype) {
  GetVariableOptions o;
  o.initializer = Initializer::from_tensor(ops::constant(I32(1)));
  EXPECT_EQ(get_variable("t", o).repr(), "<tf.Variable 't:0' shape=() dtype=int32_ref>");
}

TEST_F(GetVariable, InitializerDtypeMustMatchAnExplicitDtype) {
  GetVariableOptions o;
  o.initializer = Initializer::from_tensor(ops::constant(I32(1)));
  o.dtype = DataType::kDouble;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Initializer type '<dtype: 'int32'>' and explicit dtype '<dtype: 'float64'>' "
                  "don't match.",
                  get_variable("s", o));
}

TEST_F(GetVariable, InitializerTensorRulesMatchCase062) {
  Output init = ops::constant(F32(0.1f));
  GetVariableOptions ov;
  ov.initializer = Initializer::from_tensor(init);
  EXPECT_EQ(get_variable("v", ov).repr(), "<tf.Variable 'v:0' shape=() dtype=float32_ref>");
  GetVariableOptions ou = Shaped({1});
  ou.initializer = Initializer::from_tensor(init);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "If initializer is a constant, do not specify shape.",
                  get_variable("u", ou));
  Output i = ops::constant(I32(1));
  GetVariableOptions ot;
  ot.initializer = Initializer::from_tensor(i);
  EXPECT_EQ(get_variable("t", ot).repr(), "<tf.Variable 't:0' shape=() dtype=int32_ref>");
  GetVariableOptions os = ot;
  os.dtype = DataType::kDouble;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Initializer type '<dtype: 'int32'>' and explicit dtype '<dtype: 'float64'>' "
                  "don't match.",
                  get_variable("s", os));
}

TEST_F(GetVariable, DefaultInitializerDependsOnTheDtype) {
  Variable i = get_variable("i", Shaped({2}, DataType::kInt32));
  Variable b = get_variable("b", Shaped({}, DataType::kBool));
  Variable s = get_variable("s", Shaped({}, DataType::kString));
  Variable f = get_variable("f", Shaped({3}));
  EXPECT_EQ(i.repr(), "<tf.Variable 'i:0' shape=(2,) dtype=int32_ref>");
  EXPECT_EQ(b.repr(), "<tf.Variable 'b:0' shape=() dtype=bool_ref>");
  EXPECT_EQ(s.repr(), "<tf.Variable 's:0' shape=() dtype=string_ref>");
  EXPECT_EQ(f.repr(), "<tf.Variable 'f:0' shape=(3,) dtype=float32_ref>");
  EXPECT_EQ(i.initial_value().name(), "i/Initializer/zeros:0");
  EXPECT_EQ(b.initial_value().name(), "b/Initializer/zeros:0");
  EXPECT_EQ(s.initial_value().name(), "s/Initializer/zeros:0");
  EXPECT_EQ(f.initial_value().name(), "f/Initializer/random_uniform:0");
}

TEST_F(GetVariable, UnsignedIntegersDefaultToZerosAndHalfToGlorot) {
  EXPECT_EQ(get_variable("u", Shaped({2}, DataType::kUInt8)).initial_value().name(),
            "u/Initializer/zeros:0");
  EXPECT_EQ(get_variable("h", Shaped({2}, DataType::kHalf)).initial_value().name(),
            "h/Initializer/random_uniform:0");
  EXPECT_EQ(get_variable("d", Shaped({2}, DataType::kDouble)).initial_value().name(),
            "d/Initializer/random_uniform:0");
}

TEST_F(GetVariable, OtherDtypesNeedAnInitializer) {
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "An initializer for variable c of <dtype: 'complex64'> is required",
                  get_variable("c", Shaped({1}, DataType::kComplex64)));
}

TEST_F(GetVariable, ConstantInitializerIsNamedConst) {
  GetVariableOptions o = Shaped({2});
  o.initializer = init::constant(F32(0.3f));
  EXPECT_EQ(get_variable("c", o).initial_value().name(), "c/Initializer/Const:0");
}

TEST_F(GetVariable, ACallableWithoutArgumentsNeedsNoShape) {
  GetVariableOptions o;
  Initializer init;
  init.fn = [](const Scope&, const PartialShape&, DataType, const PartitionInfo*) -> Input {
    return Input({2});
  };
  init.accepts_no_args = true;
  o.initializer = init;
  Variable v = get_variable("v", o);
  EXPECT_EQ(v.repr(), "<tf.Variable 'v:0' shape=(1,) dtype=int32_ref>");
  EXPECT_EQ(v.initial_value().name(), "v/Initializer/initial_value:0");
}

// ---- Custom getters (conformance case 063; spec §9.3) ----

TEST_F(GetVariable, ACustomGetterCanRenameTheVariable) {
  Variable v;
  {
    VariableScopeGuard s("scope", {.custom_getter = RenamingGetter("_suffix")});
    v = get_variable("v", Shaped({1}));
  }
  EXPECT_EQ(v.name(), "scope/v_suffix:0");
  EXPECT_EQ(VariableNames(g_, graph_keys::kGlobalVariables),
            (std::vector<std::string>{"scope/v_suffix:0"}));
}

TEST(GetVariableCustomGetter, TheInnermostGetterRunsFirst) {
  Graph g;
  Scope outer = Scope::root(g).variable_scope("outer", {.custom_getter = RenamingGetter("_o")});
  Scope inner = outer.variable_scope("inner", {.custom_getter = RenamingGetter("_i")});
  EXPECT_EQ(get_variable(inner, "v", Shaped({1})).name(), "outer/inner/v_i_o:0");
}

TEST(GetVariableCustomGetter, EnteringByObjectChainsANewGetterWithTheObjects) {
  Graph g;
  Scope root = Scope::root(g);
  VariableScope outer =
      root.variable_scope("outer", {.custom_getter = RenamingGetter("_o")}).variable_scope();
  Scope again = root.variable_scope(outer, {.custom_getter = RenamingGetter("_i")});
  EXPECT_EQ(get_variable(again, "v", Shaped({1})).name(), "outer/v_i_o:0");
}

TEST(GetVariableCustomGetter, SubScopesInheritTheGetter) {
  Graph g;
  Scope s = Scope::root(g).variable_scope("scope", {.custom_getter = RenamingGetter("_suffix")});
  EXPECT_EQ(get_variable(s.variable_scope("sub"), "v", Shaped({1})).name(), "scope/sub/v_suffix:0");
}

TEST(GetVariableCustomGetter, AGetterPassedToGetVariableReplacesTheScopes) {
  Graph g;
  Scope s = Scope::root(g).variable_scope("s", {.custom_getter = RenamingGetter("_scope")});
  GetVariableOptions o = Shaped({1});
  o.custom_getter = RenamingGetter("_call");
  // The argument replaces the scope's getter (missing arguments come from the scope).
  EXPECT_EQ(get_variable(s, "v", o).name(), "s/v_call:0");
}

TEST_F(GetVariable, OpsMadeInAGetterAreNamedAtTheRoot) {
  CustomGetter g;
  g.fn = [](const Getter& next, const GetterArgs& args) {
    VariableResult r = next(args);
    VariableResult out;
    out.tensor = ops::identity(r.variable->value(), "not_reused");
    return out;
  };
  NameScope ns("ns");
  VariableScopeGuard vs("vs", {.custom_getter = g});
  VariableResult r = get_variable_result(current_scope(), "v", Shaped({1}));
  ASSERT_TRUE(r.tensor.has_value());
  EXPECT_EQ(r.tensor->name(), "not_reused:0");
}

TEST_F(GetVariable, AGetterReturningATensorIsATypeMismatchForGetVariable) {
  CustomGetter g;
  g.fn = [](const Getter& next, const GetterArgs& args) {
    VariableResult out;
    out.tensor = next(args).variable->value();
    return out;
  };
  VariableScopeGuard vs("vs", {.custom_getter = g});
  SF_EXPECT_CODE(Code::kTypeMismatch, get_variable("v", Shaped({1})));
}

TEST(GetVariableCustomGetter, TheGetterReceivesTheFullNameAndArguments) {
  Graph g;
  GetterArgs seen;
  CustomGetter getter;
  getter.fn = [&seen](const Getter& next, const GetterArgs& args) {
    seen = args;
    return next(args);
  };
  Scope s = Scope::root(g).variable_scope("a", {.custom_getter = getter, .reuse = Reuse::kAuto});
  (void)get_variable(s.variable_scope("b"), "w", Shaped({2}, DataType::kInt32));
  EXPECT_EQ(seen.name, "a/b/w");
  EXPECT_EQ(seen.shape, PartialShape({2}));
  EXPECT_EQ(seen.dtype, DataType::kInt32);
  EXPECT_EQ(seen.reuse, Reuse::kAuto);
  EXPECT_EQ(seen.trainable, true);
}

// ---- Regularizers (spec §9.5 step 6) ----

Regularizer IdentityRegularizer() {
  Regularizer r;
  r.fn = [](const Scope& s, const Variable& v) -> std::optional<Output> {
    return ops::identity(s, v.value(), "reg");
  };
  return r;
}

TEST(GetVariableRegularizer, LossIsBuiltUnderTheVariablesRegularizerScope) {
  Graph g;
  Scope s = Scope::root(g).name_scope("ns").variable_scope("s");
  GetVariableOptions o = Shaped({1});
  o.regularizer = IdentityRegularizer();
  (void)get_variable(s, "v", o);
  EXPECT_TRUE(g.find_operation("s/v/Regularizer/reg").has_value());
  EXPECT_EQ(testing::CollectionNames(g, graph_keys::kRegularizationLosses),
            (std::vector<std::string>{"s/v/Regularizer/reg:0"}));
}

TEST(GetVariableRegularizer, IsInheritedFromTheVariableScope) {
  Graph g;
  Scope s = Scope::root(g).variable_scope("s", {.regularizer = IdentityRegularizer()});
  (void)get_variable(s, "v", Shaped({1}));
  (void)get_variable(s.variable_scope("t"), "u", Shaped({1}));
  EXPECT_EQ(testing::CollectionNames(g, graph_keys::kRegularizationLosses),
            (std::vector<std::string>{"s/v/Regularizer/reg:0", "s/t/u/Regularizer/reg:0"}));
}

TEST(GetVariableRegularizer, ANoneResultAddsNoLoss) {
  Graph g;
  Regularizer none;
  none.fn = [](const Scope&, const Variable&) -> std::optional<Output> { return std::nullopt; };
  GetVariableOptions o = Shaped({1});
  o.regularizer = none;
  (void)get_variable(Scope::root(g), "v", o);
  EXPECT_TRUE(g.get_collection(graph_keys::kRegularizationLosses).empty());
}

// ---- Collections and trainable (conformance cases 059, 060; spec §9.7) ----

TEST_F(GetVariable, TrainableFalseKeepsTheVariableOutOfTrainables) {
  Variable a = get_variable("a", Shaped({1}));
  GetVariableOptions ob = Shaped({1});
  ob.trainable = false;
  Variable b = get_variable("b", ob);
  EXPECT_TRUE(a.trainable());
  EXPECT_FALSE(b.trainable());
  EXPECT_EQ(VariableNames(g_, graph_keys::kGlobalVariables),
            (std::vector<std::string>{"a:0", "b:0"}));
  EXPECT_EQ(VariableNames(g_, graph_keys::kTrainableVariables), (std::vector<std::string>{"a:0"}));
}

TEST_F(GetVariable, OnReadSynchronizationIsNotTrainableByDefault) {
  GetVariableOptions o = Shaped({1});
  o.synchronization = Synchronization::kOnRead;
  Variable v = get_variable("v", o);
  EXPECT_FALSE(v.trainable());
  EXPECT_TRUE(g_.variables(graph_keys::kTrainableVariables).empty());
}

TEST_F(GetVariable, LocalVariablesAreNeitherGlobalNorTrainable) {
  Variable v = get_local_variable(current_scope(), "v", Shaped({1}));
  EXPECT_FALSE(v.trainable());
  EXPECT_EQ(VariableNames(g_, graph_keys::kLocalVariables), (std::vector<std::string>{"v:0"}));
  EXPECT_TRUE(g_.variables(graph_keys::kGlobalVariables).empty());
  EXPECT_TRUE(g_.variables(graph_keys::kTrainableVariables).empty());
}

TEST_F(GetVariable, LocalVariablesAreAddedToTheGivenCollectionsToo) {
  GetVariableOptions o = Shaped({1});
  o.collections = std::vector<std::string>{"mine"};
  (void)get_local_variable(current_scope(), "v", o);
  EXPECT_EQ(VariableNames(g_, "mine"), (std::vector<std::string>{"v:0"}));
  EXPECT_EQ(VariableNames(g_, graph_keys::kLocalVariables), (std::vector<std::string>{"v:0"}));
  EXPECT_TRUE(g_.variables(graph_keys::kGlobalVariables).empty());
}

TEST_F(GetVariable, ScopeCollectionsFilterByPrefixMatchesCase060) {
  GetVariableOptions frozen = Shaped({});
  frozen.trainable = false;
  (void)get_variable("a", Shaped({}));
  (void)get_variable("b", frozen);
  {
    VariableScopeGuard s1("foo_");
    (void)get_variable("a", Shaped({}));
    (void)get_variable("b", frozen);
  }
  VariableScope s2;
  {
    VariableScopeGuard s("foo");
    s2 = s.variable_scope();
    (void)get_variable("a", Shaped({}));
    (void)get_variable("b", frozen);
  }
  // VariableScope.trainable_variables() filters with the scope's name plus "/".
  const std::string prefix = s2.name() + "/";
  EXPECT_EQ(VariableNames(g_, graph_keys::kTrainableVariables, prefix),
            (std::vector<std::string>{"foo/a:0"}));
  EXPECT_EQ(VariableNames(g_, graph_keys::kGlobalVariables, prefix),
            (std::vector<std::string>{"foo/a:0", "foo/b:0"}));
  EXPECT_EQ(VariableNames(g_, graph_keys::kTrainableVariables, "foo"),
            (std::vector<std::string>{"foo_/a:0", "foo/a:0"}));
  EXPECT_EQ(VariableNames(g_, graph_keys::kGlobalVariables),
            (std::vector<std::string>{"a:0", "b:0", "foo_/a:0", "foo_/b:0", "foo/a:0", "foo/b:0"}));
}

// ---- Partitioned variables (spec §9.4) ----

Partitioner FixedPartitions(std::vector<int64_t> parts) {
  Partitioner p;
  p.fn = [parts](const PartialShape&, DataType) { return parts; };
  return p;
}

TEST(GetPartitionedVariable, PartsAreNamedAndSizedAlongOneAxis) {
  Graph g;
  Scope s = Scope::root(g).variable_scope("scope0");
  GetVariableOptions o = Shaped({5, 3});
  o.partitioner = FixedPartitions({3, 1});
  PartitionedVariable pv = get_partitioned_variable(s, "name0", o);
  EXPECT_EQ(pv.name, "scope0/name0");
  ASSERT_EQ(pv.parts.size(), 3u);
  EXPECT_EQ(pv.parts[0].repr(),
            "<tf.Variable 'scope0/name0/part_0:0' shape=(2, 3) dtype=float32_ref>");
  EXPECT_EQ(pv.parts[1].repr(),
            "<tf.Variable 'scope0/name0/part_1:0' shape=(2, 3) dtype=float32_ref>");
  EXPECT_EQ(pv.parts[2].repr(),
            "<tf.Variable 'scope0/name0/part_2:0' shape=(1, 3) dtype=float32_ref>");
}

TEST(GetPartitionedVariable, ScalarsIgnoreThePartitioner) {
  Graph g;
  Scope s = Scope::root(g).variable_scope("scope0", {.partitioner = FixedPartitions({2})});
  EXPECT_EQ(get_variable(s, "name0", Shaped({})).name(), "scope0/name0:0");
}

TEST(GetPartitionedVariable, TheShapeMustBeFullyDefined) {
  Graph g;
  Scope s = Scope::root(g).variable_scope("scope0", {.partitioner = FixedPartitions({2, 1})});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape of a new partitioned variable must be fully defined, but instead was "
                  "<unknown>.",
                  get_variable_result(s, "name0"));
  GetVariableOptions o;
  o.shape = PartialShape({-1, 2});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape of a new partitioned variable must be fully defined, but instead was "
                  "(?, 2).",
                  get_variable_result(s, "name1", o));
}

TEST(GetPartitionedVariable, ReuseWithoutAPartitionerReturnsTheExistingOne) {
  Graph g;
  Scope root = Scope::root(g);
  GetVariableOptions o = Shaped({4, 2});
  o.partitioner = FixedPartitions({2, 1});
  PartitionedVariable pv = get_partitioned_variable(root.variable_scope("s"), "v", o);
  Scope reuse = root.variable_scope("s", {.reuse = Reuse::kTrue});
  PartitionedVariable again = get_partitioned_variable(reuse, "v", {});
  EXPECT_EQ(again.name, "s/v");
  EXPECT_EQ(again.parts, pv.parts);
}

TEST(GetPartitionedVariable, ReuseWithADifferentShapeIsAPartitionedShareError) {
  Graph g;
  Scope root = Scope::root(g);
  GetVariableOptions o = Shaped({4, 2});
  o.partitioner = FixedPartitions({2, 1});
  (void)get_partitioned_variable(root.variable_scope("s"), "v", o);
  Scope reuse = root.variable_scope("s", {.reuse = Reuse::kTrue});
  GetVariableOptions other = Shaped({6, 2});
  SF_EXPECT_ERROR_PREFIX(Code::kInvalidArgument, "Trying to reuse partitioned variable s/v",
                         get_partitioned_variable(reuse, "v", other));
}

}  // namespace
}  // namespace scopeflow
