/**
 * Training histories as chart panels: per-step batch loss and accuracy, smoothed with an
 * exponential moving average (single batches are noisy), against epochs so that runs with
 * different batch counts share the x axis.
 *
 * @since 0.1.0
 */
import type { Panel } from './svg.js';
import type { StepRecord } from './train.js';

/**
 * A running exponential moving average: each call folds in one value and returns the average
 * (the first value is taken as is).
 * @example
 * const avg = movingAverage(0.5); avg(2); avg(4) // 3
 * @since 0.1.0
 */
export const movingAverage = (alpha = 0.1): ((x: number) => number) => {
  let value: number | undefined;
  return (x) => (value = value === undefined ? x : value + alpha * (x - value));
};

/** One model's run, as the chart shows it. @since 0.1.0 */
export interface Run {
  readonly name: string;
  readonly color: string;
  readonly history: ReadonlyArray<StepRecord>;
  readonly stepsPerEpoch: number;
  /** Final test accuracy, shown in the legend. */
  readonly testAccuracy?: number;
}

/**
 * The loss and accuracy panels of some runs.
 * @example
 * lineChartSvg(curvePanels([{ name: 'cnn', color: '#d62728', history, stepsPerEpoch: 126 }]))
 * @since 0.1.0
 */
export const curvePanels = (runs: ReadonlyArray<Run>, alpha = 0.1): Panel[] => {
  const series = (pick: (r: StepRecord) => number) =>
    runs.map((run) => {
      const avg = movingAverage(alpha);
      const label = run.testAccuracy === undefined ? run.name : `${run.name} (test ${(100 * run.testAccuracy).toFixed(2)}%)`;
      return {
        name: label,
        color: run.color,
        points: run.history.map((r) => [r.step / run.stepsPerEpoch, avg(pick(r))] as const),
      };
    });
  return [
    { title: 'Training loss (moving average)', xLabel: 'epoch', yLabel: 'cross-entropy', series: series((r) => r.loss) },
    {
      title: 'Training accuracy (moving average)',
      xLabel: 'epoch',
      yLabel: 'accuracy',
      series: series((r) => r.accuracy),
      yRange: [0, 1],
      legend: 'bottom',
    },
  ];
};
