/**
 * The live training chart: the loss of each step (faint) and its moving average (bold) on the left
 * axis, training accuracy (moving average) and each epoch's test accuracy (dots) on the right axis
 * from 0 to 100 %, steps along the bottom up to the run's total. Plain 2D canvas, redrawn whole.
 */
import { movingAverage } from '../../examples/mnist/curves.js';

/** One step of training. */
export interface StepPoint {
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number;
}

/** The test accuracy after an epoch, at the step it ended on. */
export interface EpochPoint {
  readonly step: number;
  readonly accuracy: number;
}

const colors = {
  loss: '#d9480f',
  lossFaint: 'rgba(217, 72, 15, 0.22)',
  accuracy: '#1971c2',
  test: '#2b8a3e',
  grid: '#e9ecef',
  text: '#495057',
};
const margin = { left: 48, right: 48, top: 30, bottom: 30 };

/** Draws the chart into `canvas` (sized by its CSS box, sharp on high-DPI screens). */
export const drawChart = (
  canvas: HTMLCanvasElement,
  steps: ReadonlyArray<StepPoint>,
  epochs: ReadonlyArray<EpochPoint>,
  totalSteps: number,
): void => {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  if (g === null) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const maxStep = Math.max(totalSteps, 1);
  const maxLoss = Math.max(
    0.5,
    ...steps
      .map((s) => s.loss)
      .filter(Number.isFinite)
      .slice(0, 20),
  );
  const x = (step: number): number => margin.left + (step / maxStep) * plotW;
  const yLoss = (loss: number): number => margin.top + (1 - Math.min(loss, maxLoss) / maxLoss) * plotH;
  const yAcc = (acc: number): number => margin.top + (1 - acc) * plotH;

  // grid and axes
  g.font = '12px system-ui, sans-serif';
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = margin.top + (i / 4) * plotH;
    g.strokeStyle = colors.grid;
    g.beginPath();
    g.moveTo(margin.left, y);
    g.lineTo(margin.left + plotW, y);
    g.stroke();
    g.fillStyle = colors.loss;
    g.textAlign = 'right';
    g.fillText((maxLoss * (1 - i / 4)).toFixed(2), margin.left - 6, y + 4);
    g.fillStyle = colors.accuracy;
    g.textAlign = 'left';
    g.fillText(`${100 - i * 25}%`, margin.left + plotW + 6, y + 4);
  }
  g.fillStyle = colors.text;
  g.textAlign = 'center';
  g.fillText(`step (of ${totalSteps})`, margin.left + plotW / 2, height - 8);

  const line = (points: ReadonlyArray<readonly [number, number]>, color: string, widthPx: number): void => {
    if (points.length === 0) return;
    g.strokeStyle = color;
    g.lineWidth = widthPx;
    g.beginPath();
    points.forEach(([px, py], i) => (i === 0 ? g.moveTo(px, py) : g.lineTo(px, py)));
    g.stroke();
  };
  // the example's exponential moving average, its weight scaled to the run's length
  const alpha = Math.min(0.5, 25 / maxStep);
  const lossAverage = movingAverage(alpha);
  const accuracyAverage = movingAverage(alpha);
  const smoothLoss = steps.map((s) => lossAverage(s.loss));
  const smoothAcc = steps.map((s) => accuracyAverage(s.accuracy));
  line(
    steps.map((s) => [x(s.step), yLoss(s.loss)] as const),
    colors.lossFaint,
    1,
  );
  line(
    steps.map((s, i) => [x(s.step), yLoss(smoothLoss[i]!)] as const),
    colors.loss,
    2,
  );
  line(
    steps.map((s, i) => [x(s.step), yAcc(smoothAcc[i]!)] as const),
    colors.accuracy,
    2,
  );
  g.fillStyle = colors.test;
  for (const e of epochs) {
    g.beginPath();
    g.arc(x(e.step), yAcc(e.accuracy), 4, 0, 2 * Math.PI);
    g.fill();
  }

  // legend
  const legend: ReadonlyArray<readonly [string, string]> = [
    ['loss', colors.loss],
    ['train accuracy', colors.accuracy],
    ['test accuracy', colors.test],
  ];
  g.textAlign = 'left';
  let lx = margin.left;
  for (const [label, color] of legend) {
    g.fillStyle = color;
    g.fillRect(lx, 6, 10, 10); // above the plot, clear of the curves
    g.fillStyle = colors.text;
    g.fillText(label, lx + 14, 15);
    lx += g.measureText(label).width + 30;
  }
  canvas.dataset['points'] = String(steps.length);
};
