/**
 * What host code tells a recording `compile`: the few places where the library computes on the host
 * (JavaScript) rather than in backend kernels — derived random keys, samples generated from a key,
 * values read out of tensors, scalars computed from an optimizer's counter — report what they did
 * here, so that a replayed step redoes that host work with the new call's values instead of reusing
 * the recorded ones. Kernel calls need no such help: a recording sees them at the backend.
 *
 * With no recording active (the normal case) each function just does the plain thing; the check is
 * one variable read.
 *
 * @since 0.2.0
 */
import type * as tf from '@tensorflow/tfjs-core';

type Tensor = tf.Tensor;
type Values = tf.backend_util.BackendValues;

/**
 * A tensor made on the host. `sample`: generated from a random key (the replay derives the new
 * call's key the same way and generates again); `map`: computed from the values of other tensors;
 * `field`: a scalar computed from a number field of an object among the step's arguments (the replay
 * reads the new call's object).
 */
export type HostTensorOp =
  | {
      readonly kind: 'sample';
      readonly key: object;
      readonly inputs: ReadonlyArray<Tensor>;
      readonly generate: (key: never, values: ReadonlyArray<Values>) => Values;
    }
  | { readonly kind: 'map'; readonly inputs: ReadonlyArray<Tensor>; readonly compute: (values: ReadonlyArray<Values>) => Values }
  | { readonly kind: 'field'; readonly source: object; readonly field: string; readonly compute: (n: number) => number };

/**
 * A read of tensor values on the host. `check`: validation, whose result does not matter (the replay
 * runs it again and lets its error through); `branch`: a decision the rest of the step depends on
 * (the replay recomputes it and gives up replaying when it differs).
 */
export interface HostReadOp<R> {
  readonly kind: 'check' | 'branch';
  readonly inputs: ReadonlyArray<Tensor>;
  readonly use: (values: ReadonlyArray<Values>) => R;
}

/** What a recording listens to (implemented by the compile layer). */
export interface Recorder {
  hostTensor(op: HostTensorOp, make: () => Tensor): Tensor;
  hostRead<R>(op: HostReadOp<R>, read: () => R): R;
  derivedKeys(parent: object, children: ReadonlyArray<object>, derive: (parent: never) => ReadonlyArray<object>): void;
  derivedField(out: object, field: string, source: object, sourceField: string, compute: (n: number) => number): void;
}

let active: Recorder | undefined;

/** Installs (or, with `undefined`, removes) the recorder; returns the previous one. Used by `compile` only. */
export const setRecorder = (r: Recorder | undefined): Recorder | undefined => {
  const previous = active;
  active = r;
  return previous;
};

/** Whether a recording is running. */
export const isRecording = (): boolean => active !== undefined;

/** A tensor whose values `generate(key)` makes on the host; `make` writes it. */
export const sampledTensor = <K extends object>(key: K, generate: (key: K) => Values, make: (values: Values) => Tensor): Tensor =>
  sampledTensorFrom(key, [], (k: K) => generate(k), make);

/** A tensor whose values `generate(key, inputs' values)` makes on the host (a sampler reading logits). */
export const sampledTensorFrom = <K extends object>(
  key: K,
  inputs: ReadonlyArray<Tensor>,
  generate: (key: K, values: ReadonlyArray<Values>) => Values,
  make: (values: Values) => Tensor,
): Tensor => {
  const run = () =>
    make(
      generate(
        key,
        inputs.map((t) => t.dataSync()),
      ),
    );
  const r = active;
  if (r === undefined) return run();
  return r.hostTensor({ kind: 'sample', key, inputs, generate: generate as (key: never, values: ReadonlyArray<Values>) => Values }, run);
};

/** A tensor computed on the host from other tensors' values (`make` writes `compute`'s result). */
export const hostMapTensor = (
  inputs: ReadonlyArray<Tensor>,
  compute: (values: ReadonlyArray<Values>) => Values,
  make: (values: Values) => Tensor,
): Tensor => {
  const run = () => make(compute(inputs.map((t) => t.dataSync())));
  const r = active;
  return r === undefined ? run() : r.hostTensor({ kind: 'map', inputs, compute }, run);
};

/** A float32 scalar computed on the host from `source[field]`, a number (an optimizer's counter). */
export const fieldScalar = <O extends object>(
  source: O,
  field: keyof O & string,
  compute: (n: number) => number,
  make: (value: number) => Tensor,
): Tensor => {
  const run = () => make(compute(source[field] as number));
  const r = active;
  return r === undefined ? run() : r.hostTensor({ kind: 'field', source, field, compute }, run);
};

/** Reads tensors' values for validation (`check`) or a decision (`branch`); see {@link HostReadOp}. */
export const readTensors = <R>(kind: 'check' | 'branch', inputs: ReadonlyArray<Tensor>, use: (values: ReadonlyArray<Values>) => R): R => {
  const run = () => use(inputs.map((t) => t.dataSync()));
  const r = active;
  return r === undefined ? run() : r.hostRead({ kind, inputs, use }, run);
};

/** Tells a recording that `children` are `derive(parent)` (random keys from `split`, `foldIn`). */
export const noteDerivedKeys = <K extends object>(parent: K, children: ReadonlyArray<K>, derive: (parent: K) => ReadonlyArray<K>): void => {
  active?.derivedKeys(parent, children, derive as (parent: never) => ReadonlyArray<object>);
};

/**
 * Tells a recording that `out[field]` is `compute(source[sourceField])` (a counter's next value), so
 * a replay recomputes it from the new call's `source`. Returns `out`.
 */
export const withDerivedField = <O extends object>(
  out: O,
  field: keyof O & string,
  source: object,
  sourceField: string,
  compute: (n: number) => number,
): O => {
  active?.derivedField(out, field, source, sourceField, compute);
  return out;
};
