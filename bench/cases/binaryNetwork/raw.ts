/** Case 1 hand-written in tfjs-core (bench/cases/binaryNetwork/tfjsCore.ts) on parallax-ts's engine. */
import { tf } from '../../../src/engine/backend.js';
import { tfjsCoreSetup } from './tfjsCore.js';

export const setup = tfjsCoreSetup(tf);
