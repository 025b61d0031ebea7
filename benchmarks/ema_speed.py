"""The reference EMA (a linear filter) against a plain Python loop, on the same series.

Prints both times and the ratio. Target: the reference is at least 20× faster on 10^7 points.
    python benchmarks/ema_speed.py [--points N]
"""
import argparse
import time

import numpy as np

from checker.reference import ema_bias_corrected


def python_loop(thetas, beta):
    v, out = 0.0, [0.0] * len(thetas)
    for t, theta in enumerate(thetas.tolist(), start=1):
        v = beta * v + (1 - beta) * theta
        out[t - 1] = v / (1 - beta ** t)
    return out


def best_time(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    args = parser.parse_args()
    beta = 0.999
    thetas = np.random.default_rng(0).normal(size=args.points)
    fast, fast_out = best_time(lambda: ema_bias_corrected(thetas, beta), repeats=3)
    slow, slow_out = best_time(lambda: python_loop(thetas, beta), repeats=1)
    agree = np.allclose(fast_out, slow_out, rtol=1e-9, atol=1e-12)
    print(f"EMA with bias correction, {args.points:,} points, β = {beta}")
    print(f"  reference (scipy.signal.lfilter): {fast * 1e3:9.1f} ms")
    print(f"  Python loop (baseline):           {slow * 1e3:9.1f} ms")
    print(f"  speed-up: {slow / fast:.1f}×   (target ≥ 20×)   results agree: {agree}")


if __name__ == "__main__":
    main()
