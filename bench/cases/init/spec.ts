/**
 * Case 4: initializing a 10-million-parameter model from scratch — Linear(1000→5000) and
 * Linear(5000→1000), 10,006,000 parameters — with PyTorch's default `U(±1/√in)` for weights and
 * biases in every contender. Same distribution, not the same numbers: each library draws with its
 * own generator (parallax-ts: JAX's threefry in JavaScript; tfjs: seedrandom's alea; jax-js:
 * threefry in its own kernels). A run ends when every parameter exists; then it is freed.
 */
export const INIT = {
  layers: [
    [1000, 5000],
    [5000, 1000],
  ] as ReadonlyArray<readonly [number, number]>,
  params: 10_006_000,
} as const;
