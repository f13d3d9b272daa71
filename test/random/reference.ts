/** Loads the JAX reference vectors (copied into test/fixtures/jax; see its README) and float32 comparison helpers. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const referenceDir = path.resolve(repoRoot, 'test/fixtures/jax');

export const readReference = <A>(file: string): A => JSON.parse(readFileSync(path.join(referenceDir, file), 'utf8')) as A;

export interface RandomReference {
  readonly threefry2x32_known_answers: ReadonlyArray<{
    readonly key: [number, number];
    readonly count: [number, number];
    readonly out: [number, number];
  }>;
  readonly cases: Record<'partitionable=True' | 'partitionable=False', Record<string, ReadonlyArray<number | boolean>>>;
}

export const randomReference = readReference<RandomReference>('jax-random.json');

export const schemes = [true, false] as const;

/** The reference entries of one scheme; throws when a name is missing so a typo cannot pass. */
export const casesOf = (partitionable: boolean) => {
  const table = randomReference.cases[partitionable ? 'partitionable=True' : 'partitionable=False'];
  return <A extends number | boolean = number>(name: string): ReadonlyArray<A> => {
    const v = table[name];
    if (v === undefined) throw new Error(`reference has no case ${name}`);
    return v as ReadonlyArray<A>;
  };
};

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** The float32 ordinal of x, monotone in x (so differences count ulps across zero too). */
const ordinal = (x: number): number => {
  f32[0] = x;
  const i = i32[0]!;
  return i < 0 ? -(i & 0x7fffffff) : i;
};
export const ulpDistance = (a: number, b: number): number => Math.abs(ordinal(a) - ordinal(b));

/** Each actual value within 2 float32 ulp or 1e-6 absolute of the expected one. */
export const expectCloseF32 = (actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void => {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = ulpDistance(a, e) <= 2 || Math.abs(a - e) <= 1e-6;
    assert.equal(ok, true, `${what}[${i}]: got ${a}, JAX ${e} (${ulpDistance(a, e)} ulp)`);
  }
};

/** Exact float32 equality element by element. */
export const expectExactF32 = (actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void => {
  assert.deepEqual(
    Array.from(actual),
    Array.from(expected, (x) => Math.fround(x)),
    what,
  );
};
