// Bindings for training: tf.gradients, the tf.train optimizers, global_step and
// exponential_decay. Each builder runs in the current scope of the given graph.
#include "common.h"

namespace scopeflow::py_bindings {

namespace {

// An invalid Output (no gradient) is None on the Python side.
py::object maybe_output(const Output& o) {
  if (!o.valid()) return py::none();
  return py::cast(o);
}
Output output_or_invalid(const std::optional<Output>& o) { return o ? *o : Output(); }

// A learning rate (or other optimizer hyper-parameter) given as a float or a graph tensor.
train::LearningRate learning_rate_from_py(const py::handle& h) {
  if (py::isinstance<Output>(h)) return train::LearningRate(h.cast<Output>());
  return train::LearningRate(h.cast<double>());
}

train::Optimizer::Gate gate_from_py(int gate) {
  switch (gate) {
    case 0:
      return train::Optimizer::Gate::kNone;
    case 2:
      return train::Optimizer::Gate::kGraph;
    default:
      return train::Optimizer::Gate::kOp;
  }
}

py::list grads_and_vars_to_py(const std::vector<train::GradAndVar>& gv) {
  py::list out;
  for (const auto& [g, v] : gv) out.append(py::make_tuple(maybe_output(g), v));
  return out;
}

std::vector<train::GradAndVar> grads_and_vars_from_py(
    const std::vector<std::pair<std::optional<Output>, Variable>>& gv) {
  std::vector<train::GradAndVar> out;
  out.reserve(gv.size());
  for (const auto& [g, v] : gv) out.emplace_back(output_or_invalid(g), v);
  return out;
}

}  // namespace

void bind_train(py::module_& m) {
  m.def(
      "gradients",
      [](Graph& g, const std::vector<Output>& ys, const std::vector<Output>& xs,
         const std::vector<std::optional<Output>>& grad_ys, const std::string& name,
         bool colocate_gradients_with_ops, bool gate_gradients,
         const std::vector<Output>& stop_gradients) {
        train::GradientsOptions o;
        for (const auto& gy : grad_ys) o.grad_ys.push_back(output_or_invalid(gy));
        o.name = name;
        o.colocate_gradients_with_ops = colocate_gradients_with_ops;
        o.gate_gradients = gate_gradients;
        o.stop_gradients = stop_gradients;
        std::vector<Output> grads = train::gradients(current_scope(g), ys, xs, o);
        py::list out;
        for (const Output& d : grads) out.append(maybe_output(d));
        return out;
      },
      py::arg("graph"), py::arg("ys"), py::arg("xs"), py::arg("grad_ys"), py::arg("name"),
      py::arg("colocate_gradients_with_ops"), py::arg("gate_gradients"),
      py::arg("stop_gradients"));

  py::class_<train::Optimizer, std::unique_ptr<train::Optimizer>>(m, "Optimizer")
      .def_property_readonly("name", &train::Optimizer::name)
      .def(
          "compute_gradients",
          [](train::Optimizer& opt, Graph& g, const Output& loss, std::vector<Variable> var_list,
             int gate) {
            return grads_and_vars_to_py(opt.compute_gradients(current_scope(g), loss,
                                                              std::move(var_list),
                                                              gate_from_py(gate)));
          },
          py::arg("graph"), py::arg("loss"), py::arg("var_list"), py::arg("gate"))
      .def(
          "apply_gradients",
          [](train::Optimizer& opt, Graph& g,
             const std::vector<std::pair<std::optional<Output>, Variable>>& grads_and_vars,
             std::optional<Variable> global_step, const std::string& name) {
            return opt.apply_gradients(current_scope(g), grads_and_vars_from_py(grads_and_vars),
                                       global_step, name);
          },
          py::arg("graph"), py::arg("grads_and_vars"), py::arg("global_step"), py::arg("name"))
      .def(
          "minimize",
          [](train::Optimizer& opt, Graph& g, const Output& loss,
             std::optional<Variable> global_step, std::vector<Variable> var_list,
             const std::string& name) {
            return opt.minimize(current_scope(g), loss, global_step, std::move(var_list), name);
          },
          py::arg("graph"), py::arg("loss"), py::arg("global_step"), py::arg("var_list"),
          py::arg("name"))
      .def("get_slot", &train::Optimizer::get_slot)
      .def("get_slot_names", &train::Optimizer::get_slot_names);

  m.def("gradient_descent_optimizer", [](py::object lr, bool use_locking, std::string name) {
    return train::gradient_descent(learning_rate_from_py(lr), use_locking, std::move(name));
  });
  m.def("momentum_optimizer", [](py::object lr, double momentum, bool use_locking,
                                 std::string name, bool use_nesterov) {
    return train::momentum(learning_rate_from_py(lr), momentum, use_locking, std::move(name),
                           use_nesterov);
  });
  m.def("adam_optimizer", [](py::object lr, double beta1, double beta2, double epsilon,
                             bool use_locking, std::string name) {
    return train::adam(learning_rate_from_py(lr), beta1, beta2, epsilon, use_locking,
                       std::move(name));
  });
  m.def("rmsprop_optimizer", [](py::object lr, double decay, double momentum, double epsilon,
                                bool use_locking, bool centered, std::string name) {
    return train::rmsprop(learning_rate_from_py(lr), decay, momentum, epsilon, use_locking,
                          centered, std::move(name));
  });
  m.def("adagrad_optimizer", [](py::object lr, double initial_accumulator_value,
                                bool use_locking, std::string name) {
    return train::adagrad(learning_rate_from_py(lr), initial_accumulator_value, use_locking,
                          std::move(name));
  });

  m.def("get_or_create_global_step",
        [](Graph& g) {
          // Built at the graph's top level whatever the current scope, as TF does.
          return train::get_or_create_global_step(g);
        });
  m.def("get_global_step", [](Graph& g) { return train::get_global_step(g); });
  m.def("exponential_decay",
        [](Graph& g, py::object learning_rate, const Output& global_step, py::object decay_steps,
           py::object decay_rate, bool staircase, const std::string& name) {
          return train::exponential_decay(current_scope(g), input_from_py(learning_rate),
                                          global_step, input_from_py(decay_steps),
                                          input_from_py(decay_rate), staircase, name);
        });
}

}  // namespace scopeflow::py_bindings
