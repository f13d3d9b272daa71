/**
 * Fuzzing every reader (a few hundred inputs, a few seconds; `npm run fuzz` runs thousands): from a
 * fixed seed, mutated safetensors files, state dicts, model files, checkpoints and layer configs go
 * through `parseSafetensors`, `decodeTensors`, `decodeStateDict` (strict and not), `decodeModel`,
 * `decodeCheckpoint`, the file loaders, `decodeLayerConfig` and `fromConfig`. Every outcome must be
 * correct data (checked against the input: dtypes as the template declares, F32/I32 values bit for
 * bit, shapes as the file says, configs that round trip) or one of the library's typed errors, and
 * no reader may leak a tensor.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fuzzInputs, makeBases, type Outcome, runInput } from './fuzzHarness.js';

const SEED = 0x5eed_2024;
const COUNT = 300;

describe('io fuzz: mutated files and configs through every reader', () => {
  it(`${COUNT} inputs from seed ${SEED}: only correct data or the library's typed errors, nothing leaked`, function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-fuzz-'));
    try {
      const bases = makeBases();
      const failures: string[] = [];
      const verdicts = { ok: 0, typed: 0, failure: 0 };
      let inputs = 0;
      for (const input of fuzzInputs(SEED, COUNT, bases)) {
        inputs++;
        // One input in ten also goes through the file readers (a file written and read back).
        const outcomes: ReadonlyArray<Outcome> = runInput(input, input.id % 10 === 0 ? dir : undefined);
        for (const o of outcomes) {
          verdicts[o.verdict]++;
          if (o.verdict === 'failure') failures.push(`#${input.id} ${input.base.name} (${input.how}) → ${o.reader}: ${o.detail}`);
        }
      }
      expect(inputs).to.equal(COUNT);
      expect(failures, failures.slice(0, 20).join('\n')).to.deep.equal([]);
      // The mutations reach both outcomes: some inputs still load (correct data), most are refused.
      expect(verdicts.ok).to.be.greaterThan(50);
      expect(verdicts.typed).to.be.greaterThan(300);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
