/**
 * Case 5: random numbers, 10^6 at a time — raw uint32 bits, uniform floats in [0, 1), standard
 * normal floats. parallax-ts draws JAX's threefry2x32 in JavaScript (`random.bits` returns a
 * `Uint32Array`; `uniform`/`normal` a float32 tensor); tfjs's `tf.randomUniform`/`tf.randomNormal`
 * (seedrandom's alea in JavaScript, not counter-based, not JAX-compatible) are the raw contenders;
 * tfjs has no uint32 bits, so the bits case has no raw row. jax-js draws threefry in its kernels.
 */
export const PRNG = { n: 1_000_000 } as const;
export type PrngKind = 'bits' | 'uniform' | 'normal';
