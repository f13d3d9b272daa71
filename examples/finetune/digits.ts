/**
 * The two tasks of the fine-tuning example, cut from the MNIST example's data: digits 0–4 for the
 * base model, digits 5–9 for the new head. Each task relabels its digits to `0 .. count-1`, so both
 * heads have the same number of outputs.
 *
 * @since 0.1.0
 */
import { type Digits, PIXELS } from '../mnist/data.js';

/**
 * The images of digits `first .. first+count-1`, labelled `digit - first` (new typed arrays).
 * @example
 * const upper = digitRange(loadMnist().train, 5, 5) // digits 5–9, labels 0–4
 * @since 0.1.0
 */
export const digitRange = (d: Digits, first: number, count: number): Digits => {
  const rows: number[] = [];
  for (let i = 0; i < d.count; i++) if (d.labels[i]! >= first && d.labels[i]! < first + count) rows.push(i);
  const images = new Float32Array(rows.length * PIXELS);
  const labels = new Uint8Array(rows.length);
  rows.forEach((src, row) => {
    images.set(d.images.subarray(src * PIXELS, (src + 1) * PIXELS), row * PIXELS);
    labels[row] = d.labels[src]! - first;
  });
  return { images, labels, count: rows.length };
};
