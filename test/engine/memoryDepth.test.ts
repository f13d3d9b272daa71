/**
 * forEachTensor, dispose and tidy on trees far deeper than the JavaScript stack allows recursion
 * for (tfjs's own tidy searches its result recursively), and on values that hold themselves.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose, forEachTensor, tidy } from '../../src/engine/memory.js';

interface Chain {
  readonly t: tf.Tensor;
  readonly next?: Chain;
}
const DEPTH = 20_000;

describe('memory helpers on deep trees', () => {
  it('tidy keeps every tensor of a 20,000-deep result and frees the intermediates', () => {
    const before = tf.memory().numTensors;
    const kept = tidy(() => {
      let chain: Chain = { t: tf.zeros([1]) };
      for (let i = 0; i < DEPTH; i++) chain = { t: tf.add(tf.ones([1]), i), next: chain }; // ones([1]) is an intermediate
      return chain;
    });
    expect(tf.memory().numTensors - before).to.equal(DEPTH + 1);
    let count = 0;
    let sum = 0;
    forEachTensor(kept, (t) => {
      count += 1;
      sum += t.dataSync()[0]!;
    });
    expect(count).to.equal(DEPTH + 1);
    // 1 + i for i in [0, DEPTH), plus the zero at the bottom
    expect(sum).to.equal((DEPTH * (DEPTH + 1)) / 2);
    dispose(kept);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('forEachTensor visits depth-first in order, and dispose frees a shared tensor once', () => {
    const a = tf.scalar(1);
    const b = tf.scalar(2);
    const c = tf.scalar(3);
    const seen: number[] = [];
    forEachTensor({ x: [a, { y: b }], z: c, again: a }, (t) => seen.push(t.dataSync()[0]!));
    expect(seen).to.deep.equal([1, 2, 3, 1]);
    const before = tf.memory().numTensors;
    dispose({ x: [a, { y: b }], z: c, again: a });
    expect(before - tf.memory().numTensors).to.equal(3);
  });

  it('a value that holds itself is a TypeError, not an endless loop', () => {
    const t = tf.scalar(1);
    const cyclic: { t: tf.Tensor; self?: unknown } = { t };
    cyclic.self = [cyclic];
    expect(() => forEachTensor(cyclic, () => undefined)).to.throw(TypeError, /holds itself/);
    t.dispose();
  });

  it('tidy refuses a Promise result, as tf.tidy does', () => {
    expect(() => tidy(() => Promise.resolve(1))).to.throw(TypeError, /Promise/);
  });
});
