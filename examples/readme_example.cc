// The README's C++ example, built and run by ctest so that the README stays true.
#include <iostream>

#include "scopeflow/scopeflow.h"

namespace sf = scopeflow;

int main() {
  sf::Graph g;

  // Implicit style: guards push and pop scopes, as `with` blocks do in Python.
  {
    sf::GraphGuard as_default(g);
    sf::NameScope name1("name1");
    sf::VariableScopeGuard var1("var1");
    sf::Variable w = sf::get_variable("w", {.shape = sf::PartialShape({2})});
    sf::Output res = sf::ops::add(w, {3.0f});
    std::cout << w.name() << "\n";    // var1/w:0         (get_variable ignores name scopes)
    std::cout << res.name() << "\n";  // name1/var1/Add:0 (ops follow them)
  }

  // Explicit style: every method returns a new Scope; names are reserved in the same table.
  sf::Scope root = sf::Scope::root(g);
  sf::Scope tower = root.variable_scope("tower");
  sf::Variable v = sf::get_variable(tower, "v", {.shape = sf::PartialShape({1})});
  std::cout << v.repr() << "\n";  // <tf.Variable 'tower/v:0' shape=(1,) dtype=float32_ref>
  sf::Output c = sf::ops::constant(root.name_scope("layer"), sf::Tensor::scalar(1.0f));
  std::cout << c.name() << "\n";  // layer/Const:0

  try {
    sf::get_variable(tower, "v", {.shape = sf::PartialShape({1})});
  } catch (const sf::Error& e) {
    // Variable tower/v already exists, disallowed. Did you mean to set reuse=True or
    // reuse=tf.AUTO_REUSE in VarScope? Originally defined at: ...
    std::cout << e.what() << "\n";
  }

  // Running: a Session keeps the variables; a plan per (feeds, fetches) is compiled once.
  sf::Output x = sf::ops::placeholder(root, sf::DataType::kFloat, sf::PartialShape({-1, 2}), "x");
  sf::Tensor w2(sf::DataType::kFloat, {2, 1});
  w2.data<float>()[0] = 1.0f;
  w2.data<float>()[1] = -1.0f;
  sf::Output y = sf::ops::relu(root, sf::ops::matmul(root, x, w2));
  sf::runtime::Session sess(g);
  sess.run(sf::ops::assign(tower, v.ref(), sf::Tensor::vector<float>({5.0f})).op());
  sf::Tensor batch(sf::DataType::kFloat, {2, 2});
  float* b = batch.data<float>();
  b[0] = 0, b[1] = 1, b[2] = 3, b[3] = 2;  // [[0, 1], [3, 2]]
  std::vector<sf::Tensor> out = sess.run({{x, batch}}, {y, v.value()});
  std::cout << y.name() << " " << out[0].debug_string() << "\n";  // Relu:0 ... [0, 1]
  std::cout << out[1].debug_string() << "\n";                     // ... [5]
}
