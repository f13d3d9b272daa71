/**
 * Training progress on the terminal: a live bar (steps, loss, accuracy, examples/s) via
 * `cli-progress` when stdout is a TTY, plain periodic lines otherwise (logs, CI, pipes), so
 * redirected output stays readable.
 *
 * @since 0.1.0
 */
import cliProgress from 'cli-progress';
import { movingAverage as smoother } from './curves.js';
import type { StepRecord } from './train.js';

/** Receives the progress of one training run. @since 0.1.0 */
export interface Progress {
  readonly start: (totalSteps: number) => void;
  readonly update: (record: StepRecord, examplesPerSecond: number) => void;
  readonly stop: () => void;
}

/** Progress that reports nothing (tests). @since 0.1.0 */
export const silentProgress: Progress = { start: () => undefined, update: () => undefined, stop: () => undefined };

// Loss and accuracy of single batches are noisy: both reporters show moving averages.

/**
 * A `cli-progress` bar labelled `label`.
 * @example
 * const p = barProgress('cnn'); p.start(100); p.update(record, 1200); p.stop()
 * @since 0.1.0
 */
export const barProgress = (label: string, stream: NodeJS.WriteStream = process.stdout): Progress => {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {value}/{total} steps | epoch {epoch} | loss {loss} | acc {acc} | {eps} ex/s | {duration_formatted}`,
      hideCursor: true,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  const loss = smoother();
  const acc = smoother();
  return {
    start: (total) => bar.start(total, 0, { epoch: 1, loss: '-', acc: '-', eps: '-' }),
    update: (r, eps) =>
      bar.update(r.step, {
        epoch: r.epoch,
        loss: loss(r.loss).toFixed(4),
        acc: `${(100 * acc(r.accuracy)).toFixed(1)}%`,
        eps: eps.toFixed(0),
      }),
    stop: () => bar.stop(),
  };
};

/**
 * Plain lines, about `lines` of them per run (and the last step), for non-terminal output.
 * @example
 * lineProgress('mlp', console.log).start(100)
 * @since 0.1.0
 */
export const lineProgress = (label: string, write: (line: string) => void, lines = 10): Progress => {
  let total = 0;
  let every = 1;
  const loss = smoother();
  const acc = smoother();
  return {
    start: (t) => {
      total = t;
      every = Math.max(1, Math.round(t / lines));
    },
    update: (r, eps) => {
      const l = loss(r.loss);
      const a = acc(r.accuracy);
      if (r.step % every === 0 || r.step === total) {
        write(`${label} step ${r.step}/${total} epoch ${r.epoch} loss ${l.toFixed(4)} acc ${(100 * a).toFixed(1)}% ${eps.toFixed(0)} ex/s`);
      }
    },
    stop: () => undefined,
  };
};

/**
 * The bar on a TTY, lines otherwise.
 * @example
 * const progress = terminalProgress('cnn')
 * @since 0.1.0
 */
export const terminalProgress = (label: string, stream: NodeJS.WriteStream = process.stdout): Progress =>
  stream.isTTY ? barProgress(label, stream) : lineProgress(label, (line) => stream.write(`${line}\n`));
