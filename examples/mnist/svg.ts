/**
 * A small hand-written SVG line chart: one panel per metric (loss, accuracy), one polyline per
 * series, axes with a few ticks. No plotting package: the picture is a few dozen elements.
 *
 * @since 0.1.0
 */

/** One line of a panel: `points` are `[x, y]` pairs in data units. @since 0.1.0 */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** One panel (chart) of the picture. @since 0.1.0 */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: ReadonlyArray<Series>;
  /** Fixed y range, e.g. `[0, 1]` for accuracy; default: the data's range. */
  readonly yRange?: readonly [number, number];
  /** Where the legend goes, away from the lines (default `'top'`: falling curves leave it free). */
  readonly legend?: 'top' | 'bottom';
}

/**
 * Escapes text for SVG/XML content and attribute values.
 * @example
 * escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 * @since 0.1.0
 */
export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 3 : 1).replace(/\.?0+$/, ''));

/** Ticks at "nice" round steps (1, 2 or 5 × 10^k) covering `[lo, hi]`. */
const niceTicks = (lo: number, hi: number, count = 5): number[] => {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
};

const PANEL_W = 560;
const PANEL_H = 300;
const MARGIN = { left: 60, right: 20, top: 36, bottom: 46 };

const renderPanel = (panel: Panel, offsetY: number): string[] => {
  const finite = panel.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  const x0 = xs.length > 0 ? Math.min(0, ...xs) : 0;
  const x1 = xs.length > 0 ? Math.max(...xs) : 1;
  const [y0, y1] = panel.yRange ?? [ys.length > 0 ? Math.min(0, ...ys) : 0, ys.length > 0 ? Math.max(...ys) : 1];
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number) => offsetY + MARGIN.top + plotH - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0 || 1)) * plotH;
  const out: string[] = [];
  out.push(`<g class="panel">`);
  out.push(
    `<text x="${PANEL_W / 2}" y="${offsetY + 22}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  out.push(`<rect x="${MARGIN.left}" y="${offsetY + MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  for (const t of niceTicks(y0, y1)) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    const x = sx(t).toFixed(1);
    out.push(`<text x="${x}" y="${offsetY + MARGIN.top + plotH + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`);
  }
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${offsetY + PANEL_H - 8}" text-anchor="middle" font-size="12">${escapeXml(panel.xLabel)}</text>`,
  );
  out.push(
    `<text x="16" y="${offsetY + MARGIN.top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${offsetY + MARGIN.top + plotH / 2})">${escapeXml(panel.yLabel)}</text>`,
  );
  panel.series.forEach((s) => {
    const pts = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    out.push(
      `<polyline fill="none" stroke="${escapeXml(s.color)}" stroke-width="1.5" points="${pts}"><title>${escapeXml(s.name)}</title></polyline>`,
    );
  });
  // The legend, on a white box so that lines passing under it stay readable.
  const legendW = 30 + 6.2 * Math.max(0, ...panel.series.map((s) => s.name.length));
  const legendH = 8 + 16 * panel.series.length;
  const lx = MARGIN.left + plotW - legendW - 8;
  const ly0 = panel.legend === 'bottom' ? offsetY + MARGIN.top + plotH - legendH - 8 : offsetY + MARGIN.top + 8;
  if (panel.series.length > 0) {
    out.push(
      `<rect x="${lx.toFixed(1)}" y="${ly0}" width="${legendW.toFixed(1)}" height="${legendH}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`,
    );
  }
  panel.series.forEach((s, i) => {
    const ly = ly0 + 12 + i * 16;
    out.push(
      `<line x1="${(lx + 6).toFixed(1)}" y1="${ly}" x2="${(lx + 22).toFixed(1)}" y2="${ly}" stroke="${escapeXml(s.color)}" stroke-width="2"/>`,
    );
    out.push(`<text x="${(lx + 26).toFixed(1)}" y="${ly}" dominant-baseline="middle" font-size="11">${escapeXml(s.name)}</text>`);
  });
  out.push(`</g>`);
  return out;
};

/**
 * The panels stacked vertically as one SVG document (a string).
 * @example
 * const svg = lineChartSvg([{ title: 'loss', xLabel: 'step', yLabel: 'loss', series: [{ name: 'cnn', color: '#d62728', points: [[1, 2.3], [2, 1.1]] }] }])
 * fs.writeFileSync('out/curves.svg', svg)
 * @since 0.1.0
 */
export const lineChartSvg = (panels: ReadonlyArray<Panel>): string => {
  const height = PANEL_H * panels.length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL_W}" height="${height}" viewBox="0 0 ${PANEL_W} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.flatMap((p, i) => renderPanel(p, i * PANEL_H)),
    `</svg>`,
    '',
  ].join('\n');
};
