// The same workloads as bench/mlp_bench.cc and bench/add_chain_bench.cc, in libtorch (eager,
// one thread), for `make bench-peers`. Prints "<name> <median>" lines.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace {

template <typename F>
double median_us(F&& f, int reps, int rounds) {
  std::vector<double> t;
  for (int r = 0; r < rounds; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) f();
    auto end = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::micro>(end - start).count() / reps);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  at::set_num_threads(1);
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  // MLP 784-256-256-10, batch 64: MatMul + bias + ReLU per layer, as mlp_bench builds it.
  auto x = torch::randn({64, 784});
  auto w1 = torch::randn({784, 256}) * 0.05, b1 = torch::zeros({256});
  auto w2 = torch::randn({256, 256}) * 0.05, b2 = torch::zeros({256});
  auto w3 = torch::randn({256, 10}) * 0.05, b3 = torch::zeros({10});
  auto forward = [&] {
    auto h = torch::relu(torch::matmul(x, w1) + b1);
    h = torch::relu(torch::matmul(h, w2) + b2);
    return torch::matmul(h, w3) + b3;
  };
  for (int i = 0; i < 50; ++i) forward();
  std::printf("torch_mlp_forward_us %.1f\n", median_us(forward, 200, 9));
  // One SGD step of the same MLP: forward, cross-entropy, backward, update.
  std::vector<torch::Tensor> params;
  for (auto* p : {&w1, &b1, &w2, &b2, &w3, &b3}) {
    *p = p->detach().clone().set_requires_grad(true);
    params.push_back(*p);
  }
  auto labels = torch::arange(64, torch::kLong).remainder(10);
  torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01));
  auto step = [&] {
    torch::AutoGradMode grad_mode(true);
    sgd.zero_grad();
    auto h = torch::relu(torch::matmul(x, w1) + b1);
    h = torch::relu(torch::matmul(h, w2) + b2);
    auto loss = torch::nn::functional::cross_entropy(torch::matmul(h, w3) + b3, labels);
    loss.backward();
    sgd.step();
  };
  for (int i = 0; i < 20; ++i) step();
  std::printf("torch_train_step_us %.1f\n", median_us(step, 100, 9));
  // 10,000 chained adds of a 4-element tensor (eager dispatch cost per op).
  auto v = torch::ones({4});
  auto chain = [&] {
    auto y = v;
    for (int i = 0; i < 10000; ++i) y = y + v;
    return y;
  };
  chain();
  std::printf("torch_add_chain_ns_per_op %.1f\n", median_us(chain, 5, 7) * 1000.0 / 10000.0);
  return 0;
}
