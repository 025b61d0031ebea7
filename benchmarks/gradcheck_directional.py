"""Directional gradient check against the full finite-difference check, on a 64-128-64-10 MLP.

Both check the same gradients: correct ones, then ones with two corrupted tensors. Prints
forward passes, time, the ratios, and which tensors each check flagged.
Targets: ≥ 100× fewer forward passes and ≥ 50× less time, flagging the same tensors.
    python benchmarks/gradcheck_directional.py [--sizes 64 128 64 10] [--batch 32]
"""
import argparse
import time

import numpy as np

from checker.reference import backprop, directional_check, full_check, init_network, network_loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128, 64, 10])
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    weights, biases = init_network(args.sizes, seed=0)
    X = rng.normal(size=(args.batch, args.sizes[0]))
    T = rng.uniform(size=(args.batch, args.sizes[-1]))
    L = len(weights)
    names = [f"W_{l}" for l in range(1, L + 1)] + [f"b_{l}" for l in range(1, L + 1)]
    dWs, dbs = backprop(weights, biases, X, T)
    correct = dWs + dbs
    corrupted = list(correct)
    corrupted[1] = corrupted[1] * 1.001          # W_2 off by 0.1 %
    corrupted[L + L - 1] = -corrupted[L + L - 1]  # b_L with the sign flipped

    def f(params):
        return network_loss(params[:L], params[L:], X, T)

    params = weights + biases
    print(f"MLP {'-'.join(map(str, args.sizes))}, batch {args.batch}, "
          f"{sum(p.size for p in params):,} parameters in {len(params)} tensors")
    for label, grads in [("correct gradients", correct), ("W_2 and b_L corrupted", corrupted)]:
        start = time.perf_counter()
        directional = directional_check(f, params, grads, names=names)
        t_dir = time.perf_counter() - start
        start = time.perf_counter()
        full = full_check(f, params, grads, names=names)
        t_full = time.perf_counter() - start
        flagged_dir = [names[i] for i in directional.failed]
        flagged_full = [names[i] for i in full.failed]
        print(f"\n{label}:")
        print(f"  full check:        {full.forward_passes:7,} forward passes, {t_full * 1e3:8.1f} ms, "
              f"flags {flagged_full}")
        print(f"  directional check: {directional.forward_passes:7,} forward passes, {t_dir * 1e3:8.1f} ms, "
              f"flags {flagged_dir}")
        print(f"  ratio: {full.forward_passes / directional.forward_passes:.0f}× fewer passes "
              f"(target ≥ 100×), {t_full / t_dir:.0f}× less time (target ≥ 50×), "
              f"same tensors flagged: {flagged_dir == flagged_full}")


if __name__ == "__main__":
    main()
