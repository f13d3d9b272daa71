/**
 * The demo page: train the MNIST example's CNN in the browser with a live chart, draw a digit and
 * see the predicted class probabilities, download the trained model as safetensors and upload it
 * back. No framework: a few elements (index.html) and the library.
 *
 * Query parameters (handy for links and for the browser test suite): `backend` (default wasm),
 * `epochs`, `maxSteps` (stop training after that many steps), `autostart=1`.
 */
import '@tensorflow/tfjs-backend-webgl'; // optional peer dependency: registers the webgl backend
import { type BackendName, dispose, getBackend, ready, registeredBackends, setBackend, tf, tidy } from '../../src/engine/index.js';
import { initialize } from '../../src/init/index.js';
import * as random from '../../src/random/index.js';
import { CLASSES, IMAGE_SIZE, PIXELS } from '../../examples/mnist/digits.js';
import { MnistCnn } from '../../examples/mnist/models.js';
import { type DemoDigits, decodeDigitsAsset } from '../digitsAsset.js';
import { drawChart, type EpochPoint, type StepPoint } from './chart.js';
import { drawPad } from './drawPad.js';
import { decodeModel, encodeModel } from './modelFile.js';
import { trainInPage } from './training.js';

const $ = <E extends HTMLElement>(id: string): E => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`demo: no element #${id}`);
  return e as E;
};
const ui = {
  backend: $<HTMLSelectElement>('backend'),
  epochs: $<HTMLInputElement>('epochs'),
  batch: $<HTMLSelectElement>('batch'),
  train: $<HTMLButtonElement>('train'),
  progress: $<HTMLProgressElement>('progress'),
  status: $<HTMLParagraphElement>('status'),
  chart: $<HTMLCanvasElement>('chart'),
  pad: $<HTMLCanvasElement>('pad'),
  clear: $<HTMLButtonElement>('clear'),
  sample: $<HTMLButtonElement>('sample'),
  probabilities: $<HTMLOListElement>('probabilities'),
  download: $<HTMLButtonElement>('download'),
  upload: $<HTMLInputElement>('upload'),
  modelStatus: $<HTMLParagraphElement>('model-status'),
};
const query = new URLSearchParams(location.search);
const positiveInt = (name: string): number | undefined => {
  const v = query.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

const setStatus = (state: 'loading' | 'ready' | 'training' | 'trained' | 'error', text: string): void => {
  ui.status.dataset['state'] = state;
  ui.status.textContent = text;
};

// ---------------------------------------------------------------------------------------------
// backends: wasm by default (its .wasm files are served from ./wasm/), webgl where the page gets a
// WebGL context, cpu always
// ---------------------------------------------------------------------------------------------

const wasmPaths = new URL('wasm/', location.href).href;
const webglAvailable = (): boolean => {
  const canvas = document.createElement('canvas');
  return (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) !== null;
};
const fillBackendPicker = (active: BackendName): void => {
  const offered: ReadonlyArray<[BackendName, string, boolean]> = [
    ['wasm', 'wasm (WebAssembly, default)', true],
    ['webgl', 'webgl (GPU)', registeredBackends().includes('webgl') && webglAvailable()],
    ['cpu', 'cpu (plain JavaScript)', true],
  ];
  ui.backend.replaceChildren(
    ...offered.map(([name, label, available]) => {
      const o = document.createElement('option');
      o.value = name;
      o.textContent = available ? label : `${label} — unavailable here`;
      o.disabled = !available;
      return o;
    }),
  );
  ui.backend.value = active;
};

// ---------------------------------------------------------------------------------------------
// the model and its predictions
// ---------------------------------------------------------------------------------------------

let model: MnistCnn<tf.Tensor> = initialize(MnistCnn.create())(random.key(0));
let trained = false;
let digits: DemoDigits | undefined;

const probabilityRows = Array.from({ length: CLASSES }, (_, digit) => {
  const li = document.createElement('li');
  const label = document.createElement('span');
  label.textContent = String(digit);
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.style.width = '0%';
  const value = document.createElement('span');
  value.textContent = '–';
  li.append(label, bar, value);
  return { li, bar, value };
});
ui.probabilities.replaceChildren(...probabilityRows.map((r) => r.li));

const predict = (image: Float32Array): Float32Array =>
  tidy(() => {
    const x = tf.tensor4d(image, [1, 1, IMAGE_SIZE, IMAGE_SIZE]);
    return tf.softmax(MnistCnn.forward(model, x));
  }).dataSync() as Float32Array;

const showProbabilities = (p: Float32Array | undefined): void => {
  const top = p === undefined ? -1 : p.indexOf(Math.max(...p));
  probabilityRows.forEach((row, digit) => {
    const v = p?.[digit] ?? 0;
    row.bar.style.width = `${(100 * v).toFixed(1)}%`;
    row.value.textContent = p === undefined ? '–' : `${(100 * v).toFixed(1)}%`;
    row.li.classList.toggle('top', digit === top);
  });
  ui.probabilities.dataset['top'] = top < 0 ? '' : String(top);
  // for scripts and tests: the exact values shown
  ui.probabilities.dataset['values'] = p === undefined ? '' : JSON.stringify(Array.from(p));
};

const pad = drawPad(ui.pad, () => {
  const image = pad.image();
  showProbabilities(image === undefined ? undefined : predict(image));
});

// ---------------------------------------------------------------------------------------------
// training
// ---------------------------------------------------------------------------------------------

let training = false;
let stopRequested = false;
const stepPoints: StepPoint[] = [];
const epochPoints: EpochPoint[] = [];
let totalSteps = 1;
const redraw = (): void => drawChart(ui.chart, stepPoints, epochPoints, totalSteps);
window.addEventListener('resize', redraw);

const train = async (): Promise<void> => {
  if (digits === undefined) return;
  if (training) {
    stopRequested = true;
    return;
  }
  training = true;
  stopRequested = false;
  ui.train.textContent = 'Stop';
  for (const c of [ui.backend, ui.epochs, ui.batch, ui.upload]) c.disabled = true;
  stepPoints.length = 0;
  epochPoints.length = 0;
  const epochs = Math.max(1, Math.min(20, Math.round(Number(ui.epochs.value)) || 1));
  const started = performance.now();
  try {
    const fresh = initialize(MnistCnn.create())(random.key(0));
    dispose(model);
    model = fresh; // owned by the run from here on
    const maxSteps = positiveInt('maxSteps');
    model = await trainInPage(model, digits.train, digits.test, {
      epochs,
      batchSize: Number(ui.batch.value),
      ...(maxSteps === undefined ? {} : { maxSteps }),
      learningRate: 2e-3,
      seed: 0,
      key: random.key(1),
      onStart: (n) => {
        totalSteps = n;
        ui.progress.max = n;
        redraw();
      },
      onStep: (point, rate) => {
        stepPoints.push(point);
        ui.progress.value = point.step;
        setStatus(
          'training',
          `step ${point.step} / ${totalSteps} · loss ${point.loss.toFixed(3)} · ${rate.toFixed(0)} images/s on ${getBackend()}`,
        );
        redraw();
      },
      onEpoch: (point) => {
        epochPoints.push(point);
        redraw();
      },
      stopRequested: () => stopRequested,
    });
    trained = true;
    const seconds = (performance.now() - started) / 1000;
    const last = epochPoints.at(-1);
    setStatus(
      'trained',
      `trained ${stepPoints.length} steps in ${seconds.toFixed(1)} s on ${getBackend()}` +
        (last === undefined ? '' : ` · test accuracy ${(100 * last.accuracy).toFixed(1)}% on ${digits.test.count} digits`) +
        ' — draw a digit below',
    );
    ui.download.disabled = false;
    pad.image() === undefined ? showProbabilities(undefined) : showProbabilities(predict(pad.image()!));
  } catch (e) {
    setStatus('error', `training failed: ${e instanceof Error ? e.message : String(e)}`);
    console.error(e);
  } finally {
    training = false;
    ui.train.textContent = 'Train';
    for (const c of [ui.backend, ui.epochs, ui.batch, ui.upload]) c.disabled = false;
  }
};

// ---------------------------------------------------------------------------------------------
// wiring
// ---------------------------------------------------------------------------------------------

ui.train.addEventListener('click', () => void train());
ui.clear.addEventListener('click', () => pad.clear());
ui.sample.addEventListener('click', () => {
  if (digits === undefined) return;
  const { test } = digits;
  const i = Math.floor(Math.random() * test.count);
  pad.show(test.images.subarray(i * PIXELS, (i + 1) * PIXELS));
});
ui.backend.addEventListener('change', () => {
  const wanted = ui.backend.value;
  void setBackend(wanted).then((ok) => {
    ui.backend.value = getBackend();
    setStatus(
      trained ? 'trained' : 'ready',
      ok ? `backend: ${wanted}` : `${wanted} did not start; staying on ${getBackend()} (see the console)`,
    );
  });
});
ui.download.addEventListener('click', () => {
  const bytes = encodeModel(model);
  const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'mnist-cnn.safetensors';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  ui.modelStatus.dataset['state'] = 'downloaded';
  ui.modelStatus.textContent = `mnist-cnn.safetensors: ${(bytes.length / 1024).toFixed(0)} KB (PyTorch state-dict names, float32)`;
});
ui.upload.addEventListener('change', () => {
  const file = ui.upload.files?.[0];
  if (file === undefined) return;
  void file.arrayBuffer().then(
    (buffer) => {
      try {
        const loaded = decodeModel(new Uint8Array(buffer));
        dispose(model);
        model = loaded;
        trained = true;
        ui.download.disabled = false;
        ui.modelStatus.dataset['state'] = 'uploaded';
        ui.modelStatus.textContent = `loaded ${file.name} (${(file.size / 1024).toFixed(0)} KB)`;
        const image = pad.image();
        showProbabilities(image === undefined ? undefined : predict(image));
      } catch (e) {
        ui.modelStatus.dataset['state'] = 'error';
        ui.modelStatus.textContent = `could not load ${file.name}: ${e instanceof Error ? e.message : String(e)}`;
      }
      ui.upload.value = '';
    },
    (e: unknown) => {
      ui.modelStatus.textContent = `could not read ${file.name}: ${String(e)}`;
    },
  );
});

const start = async (): Promise<void> => {
  const wanted = query.get('backend') ?? 'wasm';
  const backend = await ready({ backend: registeredBackends().includes(wanted) ? wanted : 'wasm', wasmPaths });
  fillBackendPicker(backend);
  const response = await fetch('digits.bin');
  if (!response.ok) throw new Error(`digits.bin: HTTP ${response.status}`);
  digits = decodeDigitsAsset(new Uint8Array(await response.arrayBuffer()));
  const epochs = positiveInt('epochs');
  if (epochs !== undefined) ui.epochs.value = String(epochs);
  setStatus('ready', `${digits.train.count} training and ${digits.test.count} test digits loaded; backend ${backend} — press Train`);
  ui.train.disabled = false;
  ui.sample.disabled = false;
  redraw();
  if (query.get('autostart') === '1') await train();
};
start().catch((e: unknown) => {
  setStatus('error', `the demo could not start: ${e instanceof Error ? e.message : String(e)}`);
  console.error(e);
});
