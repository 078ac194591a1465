#!/usr/bin/env bash
# `make bench-peers`: scopeflow against libtorch on the same workloads, run alternately so
# that machine noise hits both. Needs build/bin/{mlp_bench,add_chain_bench} (make build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/build/bench-peers"
mkdir -p "$out"
# Debian's libtorch; its BLAS comes from the libblas.so.3 alternative, so we point the loader
# at OpenBLAS explicitly (never the reference BLAS).
"$root/scripts/install-deps.sh" --peers
g++ -O2 -std=c++17 "$root/bench/peers/torch_peer.cc" -o "$out/torch_peer" \
  -I/usr/include/torch/csrc/api/include -ltorch -ltorch_cpu -lc10
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

sf_mlp=() torch_mlp=() sf_add=() torch_add=() sf_train=() torch_train=()
median_json='import json,sys; r=json.load(sys.stdin)["benchmarks"]; print(sorted(b["real_time"] for b in r if b.get("run_type")=="iteration")[1])'
for round in 1 2 3; do
  sf_mlp+=("$("$root/build/bin/mlp_bench" --benchmark_filter=BM_MlpForward \
    --benchmark_format=json --benchmark_repetitions=3 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)["benchmarks"]; print(sorted(b["real_time"] for b in r if b.get("run_type")=="iteration")[1])')")
  sf_add+=("$("$root/build/bin/add_chain_bench" --benchmark_filter=BM_AddChainVector4 \
    --benchmark_format=json --benchmark_repetitions=3 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)["benchmarks"]; print(sorted(b["real_time"] for b in r if b.get("run_type")=="iteration")[1]*1e6/10000)')")
  sf_train+=("$("$root/build/bin/train_bench" --benchmark_format=json \
    --benchmark_repetitions=3 2>/dev/null | /usr/bin/python3 -c "$median_json")")
  peer="$("$out/torch_peer")"
  torch_train+=("$(echo "$peer" | awk '/torch_train_step_us/ {print $2}')")
  torch_mlp+=("$(echo "$peer" | awk '/torch_mlp_forward_us/ {print $2}')")
  torch_add+=("$(echo "$peer" | awk '/torch_add_chain_ns_per_op/ {print $2}')")
done
/usr/bin/python3 - "${sf_mlp[*]}" "${torch_mlp[*]}" "${sf_add[*]}" "${torch_add[*]}" \
  "${sf_train[*]}" "${torch_train[*]}" <<'PY'
import statistics, sys
sf_mlp, t_mlp, sf_add, t_add, sf_tr, t_tr = ([float(x) for x in a.split()] for a in sys.argv[1:7])
m = statistics.median
print("MLP 784-256-256-10 forward, batch 64 (us):  scopeflow %.1f  libtorch %.1f  ratio %.2fx"
      % (m(sf_mlp), m(t_mlp), m(sf_mlp) / m(t_mlp)))
print("10,000 chained tiny Adds (ns per op):       scopeflow %.1f  libtorch %.1f  ratio %.2fx"
      % (m(sf_add), m(t_add), m(sf_add) / m(t_add)))
print("MLP SGD training step, batch 64 (us):       scopeflow %.1f  libtorch %.1f  ratio %.2fx"
      % (m(sf_tr), m(t_tr), m(sf_tr) / m(t_tr)))
PY
