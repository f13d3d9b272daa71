/**
 * Sampling text from the trained model, one character at a time, as a `State<PRNGKey, string>`:
 * each step splits the key it is handed, draws the next character with `random.categorical` from
 * the model's last logits divided by the temperature, and hands on the other half of the key. No
 * global random state: the same model, prompt and key give the same text on every run (on the same
 * backend — float rounding can differ between backends).
 *
 * Temperature `T` divides the logits: `T = 1` samples the model's own distribution, `T < 1`
 * sharpens it toward the likeliest characters, `T > 1` flattens it.
 *
 * @since 0.2.0
 */
import { pipe } from 'fp-ts/lib/function.js';
import * as S from 'fp-ts/lib/State.js';
import { tf } from '../../src/engine/index.js';
import * as random from '../../src/random/index.js';
import { CharTransformer } from './model.js';
import { decode, encode, type Vocabulary } from './vocabulary.js';

type Tensor = tf.Tensor;

/** What sampling needs besides the key. @since 0.2.0 */
export interface Sampler {
  readonly model: CharTransformer<Tensor>;
  readonly vocabulary: Vocabulary;
  /** Divides the logits; must be positive. */
  readonly temperature: number;
}

/**
 * One step: `text` with one more character drawn after it (the model sees its last `context`
 * characters), the key split once.
 * @example
 * const [next, key1] = nextCharacter(sampler)('The ')(random.key(0)) // e.g. 'The s', and the key left over
 * @since 0.2.0
 */
export const nextCharacter =
  (sampler: Sampler) =>
  (text: string): S.State<random.PRNGKey, string> =>
  (key) => {
    const { model, vocabulary, temperature } = sampler;
    if (text.length === 0) throw new Error('nextCharacter: the text to continue is empty (give a prompt of at least one character)');
    const [rest, draw] = random.split(key) as [random.PRNGKey, random.PRNGKey];
    const window = encode(vocabulary, text.slice(-model.context));
    const drawn = tf.tidy(() => {
      const logits = CharTransformer.forward(model, tf.tensor2d(window, [1, window.length], 'int32'));
      const last = tf.reshape(tf.slice(logits, [0, window.length - 1, 0], [1, 1, -1]), [-1]);
      return random.categorical(draw, tf.div(last, temperature));
    });
    const id = drawn.dataSync()[0]!;
    drawn.dispose();
    return [text + decode(vocabulary, [id]), rest];
  };

/**
 * `length` characters drawn after `prompt`: `nextCharacter` chained `length` times. Run it with a
 * key to get the text (prompt included) and the key left over.
 * @example
 * const [text] = sampleText(sampler, 'The ', 200)(random.key(7))
 * @since 0.2.0
 */
export const sampleText = (sampler: Sampler, prompt: string, length: number): S.State<random.PRNGKey, string> => {
  if (!(sampler.temperature > 0 && Number.isFinite(sampler.temperature))) {
    throw new Error(`sampleText: temperature must be a positive number, got ${sampler.temperature}`);
  }
  encode(sampler.vocabulary, prompt); // a character the model does not know fails here, before any step
  const step = nextCharacter(sampler);
  let program: S.State<random.PRNGKey, string> = S.of(prompt);
  for (let i = 0; i < length; i++) program = pipe(program, S.chain(step));
  return program;
};
