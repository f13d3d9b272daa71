/**
 * The drawing pad: a square canvas the user draws a digit on (mouse, pen or touch), and the
 * preprocessing that turns the drawing into an MNIST-like 28 × 28 image — as MNIST's digits were
 * made: the strokes' bounding box scaled to fit 20 × 20, placed in a 28 × 28 field so that the
 * centre of mass is at the centre, white on black, values in [0, 1].
 */
import { IMAGE_SIZE, PIXELS } from '../../examples/mnist/digits.js';

const FIT = 20; // MNIST's digits fit a 20 × 20 box inside the 28 × 28 image

/** A pad on `canvas`; `onChange` runs after each stroke (and while drawing, at most once a frame). */
export interface DrawPad {
  readonly clear: () => void;
  /** The drawing as an MNIST image (row-major), or `undefined` when nothing is drawn. */
  readonly image: () => Float32Array | undefined;
  /** Shows an MNIST image (e.g. a test digit) on the pad, scaled up. */
  readonly show: (image: Float32Array) => void;
}

export const drawPad = (canvas: HTMLCanvasElement, onChange: () => void): DrawPad => {
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = (): void => {
    g.fillStyle = '#000';
    g.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last: { x: number; y: number } | undefined;
  let pending = false;
  const at = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * canvas.width, y: ((e.clientY - r.top) / r.height) * canvas.height };
  };
  const changed = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    g.fillStyle = '#fff';
    g.beginPath();
    g.arc(last.x, last.y, canvas.width / 22, 0, 2 * Math.PI);
    g.fill();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (last === undefined) return;
    const p = at(e);
    g.strokeStyle = '#fff';
    g.lineWidth = canvas.width / 11;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    g.moveTo(last.x, last.y);
    g.lineTo(p.x, p.y);
    g.stroke();
    last = p;
    changed();
  });
  const end = (): void => {
    if (last === undefined) return;
    last = undefined;
    changed();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  const image = (): Float32Array | undefined => {
    const { width, height } = canvas;
    const pixels = g.getImageData(0, 0, width, height).data;
    let [minX, minY, maxX, maxY] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (pixels[(y * width + x) * 4]! > 32) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX < 0) return undefined;
    // Bounding box → fit in 20 × 20 (aspect kept) → 28 × 28, smoothing doing the anti-aliasing.
    const boxW = maxX - minX + 1;
    const boxH = maxY - minY + 1;
    const scale = FIT / Math.max(boxW, boxH);
    const small = document.createElement('canvas');
    small.width = IMAGE_SIZE;
    small.height = IMAGE_SIZE;
    const s = small.getContext('2d', { willReadFrequently: true })!;
    s.fillStyle = '#000';
    s.fillRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
    s.imageSmoothingQuality = 'high';
    const w = boxW * scale;
    const h = boxH * scale;
    s.drawImage(canvas, minX, minY, boxW, boxH, (IMAGE_SIZE - w) / 2, (IMAGE_SIZE - h) / 2, w, h);
    const data = s.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE).data;
    const gray = new Float32Array(PIXELS);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < PIXELS; i++) {
      const v = data[i * 4]! / 255;
      gray[i] = v;
      mass += v;
      cx += v * (i % IMAGE_SIZE);
      cy += v * Math.floor(i / IMAGE_SIZE);
    }
    // Shift so that the centre of mass sits at the image's centre.
    const dx = Math.round((IMAGE_SIZE - 1) / 2 - cx / mass);
    const dy = Math.round((IMAGE_SIZE - 1) / 2 - cy / mass);
    const out = new Float32Array(PIXELS);
    for (let y = 0; y < IMAGE_SIZE; y++) {
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const sx = x - dx;
        const sy = y - dy;
        if (sx >= 0 && sx < IMAGE_SIZE && sy >= 0 && sy < IMAGE_SIZE) out[y * IMAGE_SIZE + x] = gray[sy * IMAGE_SIZE + sx]!;
      }
    }
    return out;
  };

  const show = (img: Float32Array): void => {
    const small = document.createElement('canvas');
    small.width = IMAGE_SIZE;
    small.height = IMAGE_SIZE;
    const s = small.getContext('2d')!;
    const data = s.createImageData(IMAGE_SIZE, IMAGE_SIZE);
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(img[i]! * 255);
      data.data.set([v, v, v, 255], i * 4);
    }
    s.putImageData(data, 0, 0);
    clear();
    g.imageSmoothingEnabled = true;
    g.drawImage(small, 0, 0, canvas.width, canvas.height);
    onChange();
  };

  return {
    clear: () => {
      clear();
      onChange();
    },
    image,
    show,
  };
};
