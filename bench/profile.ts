/**
 * Which tfjs kernels one training step runs and what they cost: `tf.profile` over a few steps,
 * grouped by kernel name (calls per step, milliseconds per step as the backend reports them).
 * Comparing contenders kernel by kernel shows whether a gap is in the math the engine does
 * (different or extra kernels) or in JavaScript around it (same kernels, more wall time).
 */
import { tf } from '../src/engine/backend.js';
import type { Contender, ContenderName } from './harness.js';

export interface KernelStat {
  readonly kernel: string;
  readonly calls_per_step: number;
  readonly ms_per_step: number;
}

export interface ProfileRow {
  readonly case: string;
  readonly backend: string;
  readonly contender: ContenderName;
  readonly kernels_per_step: number;
  readonly kernel_ms_per_step: number;
  readonly wall_ms_per_step: number;
  readonly new_tensors_per_step: number;
  readonly kernels: ReadonlyArray<KernelStat>;
}

export const profileSteps = async (
  caseName: string,
  backend: string,
  contenders: ReadonlyArray<Contender>,
  steps: number,
): Promise<ProfileRow[]> => {
  const rows: ProfileRow[] = [];
  for (const c of contenders) {
    // tf.profile sees the engine's kernels: not jax-js's, nor a compiled replay's (it bypasses the engine).
    if (c.name === 'jax-js' || c.name === 'parallax-compiled' || c.name === 'stock-tfjs') continue;
    const r = await c.setup();
    await r.run();
    await r.run();
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      for (let i = 0; i < steps; i++) await r.run();
      return [];
    });
    const wall = (performance.now() - t0) / steps;
    r.dispose();
    const by = new Map<string, { calls: number; ms: number }>();
    let totalMs = 0;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      totalMs += ms;
      const s = by.get(k.name) ?? { calls: 0, ms: 0 };
      s.calls += 1;
      s.ms += ms;
      by.set(k.name, s);
    }
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    rows.push({
      case: caseName,
      backend,
      contender: c.name,
      kernels_per_step: info.kernels.length / steps,
      kernel_ms_per_step: r3(totalMs / steps),
      wall_ms_per_step: r3(wall),
      new_tensors_per_step: info.newTensors / steps,
      kernels: [...by]
        .map(([kernel, s]) => ({ kernel, calls_per_step: s.calls / steps, ms_per_step: r3(s.ms / steps) }))
        .sort((a, b) => b.ms_per_step - a.ms_per_step),
    });
  }
  return rows;
};
