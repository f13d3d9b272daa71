/**
 * Memory over a long run: tensors alive (tfjs's count) and process RSS before and after 1,000
 * steps of case 2, one contender at a time. "Before" is taken after one step, so one-time
 * allocations (an optimizer's slots, a jit cache) are not counted as growth.
 */
import { tf } from '../src/engine/backend.js';
import type { Contender, ContenderName, Runner } from './harness.js';

export interface MemoryRow {
  readonly case: string;
  readonly backend: string;
  readonly contender: ContenderName;
  readonly steps: number;
  /** tfjs tensors alive; null for jax-js, which does not use tfjs. */
  readonly tensors_before: number | null;
  readonly tensors_after: number | null;
  readonly tensors_per_step: number | null;
  readonly rss_before_mb: number;
  readonly rss_after_mb: number;
}

const rssMb = (): number => Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;

export const measureMemory = async (
  caseName: string,
  backend: string,
  contenders: ReadonlyArray<Contender>,
  steps: number,
): Promise<MemoryRow[]> => {
  const rows: MemoryRow[] = [];
  for (const c of contenders) {
    let r: Runner;
    try {
      r = await c.setup();
      await r.run();
    } catch (e) {
      if (c.mayFail !== true) throw e;
      continue; // reported in the timing table already
    }
    const usesTf = c.name !== 'jax-js';
    const t0 = tf.memory().numTensors;
    const rss0 = rssMb();
    for (let i = 0; i < steps; i++) await r.run();
    const t1 = tf.memory().numTensors;
    const rss1 = rssMb();
    await r.dispose();
    rows.push({
      case: caseName,
      backend,
      contender: c.name,
      steps,
      tensors_before: usesTf ? t0 : null,
      tensors_after: usesTf ? t1 : null,
      tensors_per_step: usesTf ? (t1 - t0) / steps : null,
      rss_before_mb: rss0,
      rss_after_mb: rss1,
    });
  }
  return rows;
};
