/**
 * Sizes are bounded before anything is allocated: `split` past MAX_SPLIT keys and draws past
 * MAX_DRAW_SIZE elements are RandomErrors naming the argument, thrown fast and without growing the
 * heap (the issue's `split(key(0), 1e8)` used to end the process with "heap out of memory").
 */
import assert from 'node:assert/strict';
import {
  bernoulli,
  bits,
  categorical,
  foldIn,
  gumbel,
  key,
  keyData,
  MAX_DRAW_SIZE,
  MAX_SPLIT,
  normal,
  randint,
  RandomError,
  split,
  truncatedNormal,
  uniform,
} from '../../src/random/index.js';

/** Runs `f`, which must throw a RandomError from `fn` about `argument`, quickly and without allocating much. */
const refusedCheaply = (f: () => unknown, fn: string, argument: string | RegExp): RandomError => {
  const heap = process.memoryUsage().heapUsed;
  const t0 = Date.now();
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof RandomError, `expected a RandomError, got ${String(caught)}`);
  assert.equal(caught.fn, fn);
  if (typeof argument === 'string') assert.equal(caught.argument, argument);
  else assert.match(caught.argument, argument);
  assert.ok(Date.now() - t0 < 1000, 'refused within a second');
  assert.ok(process.memoryUsage().heapUsed - heap < 64 * 2 ** 20, 'refused before allocating');
  return caught;
};

describe('random: allocation limits', () => {
  it('split refuses more than MAX_SPLIT (2^22) keys, pointing to foldIn', () => {
    assert.equal(MAX_SPLIT, 2 ** 22);
    const e = refusedCheaply(() => split(key(0), 1e8), 'split', 'n');
    assert.match(e.message, /^split: n must be an integer in \[0, 4194304\], got 100000000 \(.*foldIn\(key, i\)\)$/);
    refusedCheaply(() => split(key(0), MAX_SPLIT + 1), 'split', 'n');
    // what the message suggests instead: foldIn(key, i) is split(key, n)[i] (partitionable scheme)
    assert.deepEqual(keyData(split(key(0), 1000)[999]!), keyData(foldIn(key(0), 999)));
  });

  it('bits and every sampler refuse shapes of more than 2^31 - 1 elements before drawing', () => {
    assert.equal(MAX_DRAW_SIZE, 2 ** 31 - 1);
    const k = key(0);
    const huge = [65536, 65536]; // 2^32 elements
    const e = refusedCheaply(() => bits(k, huge), 'bits', 'shape');
    assert.match(e.message, /shape \[65536, 65536\] has 4294967296 elements, more than the 2147483647 \(2\^31 - 1\)/);
    refusedCheaply(() => uniform(k, [2 ** 31]), 'uniform', 'shape');
    refusedCheaply(() => normal(k, huge), 'normal', 'shape');
    refusedCheaply(() => truncatedNormal(k, -2, 2, huge), 'truncatedNormal', 'shape');
    refusedCheaply(() => bernoulli(k, 0.5, huge), 'bernoulli', 'shape');
    refusedCheaply(() => randint(k, huge, 0, 10), 'randint', 'shape');
    refusedCheaply(() => gumbel(k, huge), 'gumbel', 'shape');
    refusedCheaply(() => categorical(k, [0, 0], { shape: huge }), 'categorical', 'shape');
    // a product past 2^53 is still refused (and named), not rounded
    refusedCheaply(() => bits(k, [2 ** 40, 2 ** 40]), 'bits', 'shape');
    refusedCheaply(() => bits(k, [3, -1]), 'bits', 'shape[1]');
    refusedCheaply(() => bits(k, 'big' as never), 'bits', 'shape');
  });
});
