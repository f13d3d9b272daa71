/** Case 3 hand-written in tfjs-core (bench/cases/cnn/tfjsCore.ts) on parallax-ts's engine. */
import { tf } from '../../../src/engine/backend.js';
import { tfjsCoreSetup } from './tfjsCore.js';

export const setup = tfjsCoreSetup(tf);
