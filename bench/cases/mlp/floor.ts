/**
 * Case 2's matmul floor, measured in the same process and run as the case: each product of one
 * training step as a lone `tf.matMul` at the step's shapes, operands laid out so that no transpose
 * flag is needed (on wasm that is tfjs-backend-wasm's XNNPACK product itself, single-threaded).
 * The floor is the sum of the five medians; run.ts reports every case-2 contender against it.
 *
 * Two variants, two cases. tfjs-backend-wasm keeps one XNNPACK operator (holding `b` packed) per
 * `b` tensor and deletes it when that tensor is freed:
 * - `…-matmul-floor`: the same operands every call (a lone product repeated), so `b` is packed once
 *   and the calls are compute only — a strict lower bound;
 * - `…-matmul-floor-fresh-b`: every call gets a new `b` (made before the clock starts, freed after
 *   it stops), so each call creates an operator and packs `b` first, as in a training step, whose
 *   weights and gradients are new tensors every step.
 */
import { tf } from '../../../src/engine/backend.js';
import type { BenchCase, Contender, ContenderName, Runner, TimedRun } from '../../harness.js';
import { uniformArray } from '../../data.js';
import { MLP } from './spec.js';

const { batch: B, inFeatures: I, hidden: H, classes: C } = MLP;

/** [name, a's shape, b's shape]: forward x·W1, h·W2; backward dW1 = xᵀ·dh, dW2 = hᵀ·dlogits, dh = dlogits·W2ᵀ. */
export const FLOOR_PRODUCTS: ReadonlyArray<readonly [string, readonly [number, number], readonly [number, number]]> = [
  ['fwd x·W1', [B, I], [I, H]],
  ['fwd h·W2', [B, H], [H, C]],
  ['bwd dW1=xT·dh', [I, B], [B, H]],
  ['bwd dW2=hT·dlogits', [H, B], [B, C]],
  ['bwd dh=dlogits·W2T', [B, C], [C, H]],
];

export const FLOOR_CASE = 'mlp-784-256-10-b64-matmul-floor';
export const FLOOR_FRESH_CASE = 'mlp-784-256-10-b64-matmul-floor-fresh-b';

/** The floor's name for a product, e.g. `matmul:fwd x·W1 [64,784]x[784,256]`. */
export const floorName = ([name, a, b]: (typeof FLOOR_PRODUCTS)[number]): ContenderName => `matmul:${name} [${a}]x[${b}]`;

const product =
  ([, a, b]: (typeof FLOOR_PRODUCTS)[number], seed: number, freshB: boolean) =>
  (): Runner => {
    const x = tf.tensor2d(uniformArray(seed, a[0] * a[1], 1), [...a]);
    const bValues = uniformArray(seed + 1, b[0] * b[1], 1);
    const y = tf.tensor2d(bValues, [...b]);
    // tfjs's cpu and wasm kernels run synchronously: the product is done when matMul returns,
    // so nothing is read back (a read would add a copy of the output to the floor).
    const once = (right: tf.Tensor): number => {
      const out = tf.matMul(x, right);
      const n = out.size;
      out.dispose();
      return n;
    };
    // Each product gets a right operand written just before it (untimed), as a step's new weights
    // are: XNNPACK packs it anew, from warm memory.
    const timed = async (steps: number): Promise<TimedRun> => {
      let wallMs = 0;
      let cpuMs = 0;
      for (let i = 0; i < steps; i++) {
        const right = tf.tensor2d(bValues, [...b]);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        once(right);
        wallMs += performance.now() - t0;
        const cpu = process.cpuUsage(c0);
        cpuMs += (cpu.user + cpu.system) / 1000;
        right.dispose();
      }
      return { wallMs, cpuMs };
    };
    return {
      run: () => once(y),
      dispose: () => tf.dispose([x, y]),
      ...(freshB ? { timed } : {}),
    };
  };

export const floorContenders = (freshB: boolean): Contender[] =>
  FLOOR_PRODUCTS.map((p, i) => ({ name: floorName(p), setup: product(p, 71 + 2 * i, freshB) }));

/** Both floor cases (operator cached; fresh `b` every call). */
export const floorCases = (): BenchCase[] =>
  [false, true].map((freshB) => ({
    name: freshB ? FLOOR_FRESH_CASE : FLOOR_CASE,
    stepsPerRun: 10,
    warmupRuns: 2,
    reps: 11,
    contenders: floorContenders(freshB),
  }));
