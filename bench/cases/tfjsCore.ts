/**
 * The `@tensorflow/tfjs-core` namespace as a value type. The hand-written tfjs-core steps
 * (`<case>/tfjsCore.ts`) take it as an argument instead of importing it, so one piece of code runs
 * both as `raw` (on the engine parallax-ts sets up, its wasm kernels registered) and as
 * `stock-tfjs` (bench/stock/child.ts: stock tfjs-core in a process that never loads parallax-ts).
 * Nothing imported by those files may reach src/: bench/build.mjs checks the stock bundle's inputs.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

export type Tf = typeof TfCore;
