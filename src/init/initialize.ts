/**
 * Initialization: a module of lazy parameters becomes a `Reader<PRNGKey, Module<Tensor>>`
 * (the original Parallax's `initialized(rng)`).
 *
 * Key scheme: the leaf at dotted path `p` (e.g. `"dense1.weight"`) is drawn with
 * `foldIn(root, fnv1a32(utf8(p)))` — a pure function of the root key and the leaf's own path. So
 * adding, removing or reordering *other* fields never changes a leaf's draw, and a checkpoint made
 * before a model grew a new head still matches the old layers' initialization.
 *
 * @since 0.1.0
 */
import type { Reader } from 'fp-ts/lib/Reader.js';
import { tf } from '../engine/backend.js';
import { foldIn } from '../random/foldIn.js';
import { assertPRNGKey, type PRNGKey } from '../random/PRNGKey.js';
import type { AnySpec, ModuleOf } from '../tree/Field.js';
import { leafEntries, mapModuleWithInfo } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import { isParamInit, paramDtype, type ParamInit } from '../tree/ParamInit.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * 32-bit FNV-1a of the UTF-8 bytes of `s`: the `foldIn` datum for a leaf path.
 * @example
 * import { pathHash } from 'parallax-ts'
 * pathHash('weight') // 1352703673
 * pathHash('dense1.weight') // 2569489027
 * @category initialization
 * @since 0.1.0
 */
export const pathHash = (s: string): number => {
  if (typeof s !== 'string') throw new ArgumentError(`pathHash: path must be a string, got ${describeData(s)}`);
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
};

/**
 * The key a leaf at `path` is initialized with.
 * @example
 * import { leafKey, pathHash, random } from 'parallax-ts'
 * const k = leafKey(random.key(0), 'dense1.weight')
 * random.Eq.equals(k, random.foldIn(random.key(0), pathHash('dense1.weight'))) // true
 * @category initialization
 * @since 0.1.0
 */
export const leafKey = (root: PRNGKey, path: string): PRNGKey => foldIn(root, pathHash(path));

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Draws every lazy parameter of `m`. Tensors in the result are new and owned by the caller (free
 * them with `dispose`). Throws, having allocated nothing that survives, if any leaf is already a
 * tensor or an initializer returns the wrong shape, or another dtype than its `ParamInit` declares.
 * @example
 * import { initialize, random, nn } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(5, 10))(random.key(0)) // Linear<Tensor>: weight [10, 5], bias [10]
 * @category initialization
 * @since 0.1.0
 */
export const initialize =
  <S extends AnySpec>(m: ModuleOf<S, ParamInit<Tensor>>): Reader<PRNGKey, ModuleOf<S, Tensor>> =>
  (key) => {
    assertPRNGKey('initialize', 'key', key);
    for (const [info, leaf] of leafEntries(m)) {
      if (!isParamInit(leaf)) {
        throw atLeaf(
          info.path,
          `initialize: leaf "${info.path}" is already initialized (got ${describeLeaf(leaf)}, expected a ParamInit); ` +
            'initialize a freshly built module instead',
        );
      }
    }
    const made: Tensor[] = [];
    try {
      return mapModuleWithInfo(m, (info, leaf) => {
        if (!isParamInit(leaf)) throw new ArgumentError('unreachable');
        const draw: unknown = leaf.init(leaf.shape);
        if (draw instanceof tf.Tensor) made.push(draw); // freed with the rest below
        if (typeof draw !== 'function') {
          throw atLeaf(
            info.path,
            `initialize: initializer of "${info.path}" returned ${describeLeaf(draw)} for shape [${leaf.shape.join(', ')}], ` +
              'expected a function of a key (an initializer is (shape) => (key) => Tensor)',
          );
        }
        const t = (draw as (k: PRNGKey) => unknown)(leafKey(key, info.path)) as Tensor;
        made.push(t);
        if (!(t instanceof tf.Tensor) || !sameShape(t.shape, leaf.shape)) {
          throw atLeaf(
            info.path,
            `initialize: initializer of "${info.path}" returned ${t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}]` : describeLeaf(t)}, expected a tensor of shape [${leaf.shape.join(', ')}]`,
          );
        }
        // The declared dtype is what loaders check files against: a leaf drawn as another type would
        // make a module that no file of its own kind loads into.
        if (t.dtype !== paramDtype(leaf)) {
          throw new ArgumentError(
            `initialize: initializer of "${info.path}" returned a ${t.dtype} tensor, but its ParamInit declares ${paramDtype(leaf)} ` +
              `(declare it: paramInit(shape, init, '${t.dtype}'))`,
          );
        }
        return t;
      }) as ModuleOf<S, Tensor>;
    } catch (e) {
      for (const t of made) if (t instanceof tf.Tensor) t.dispose();
      throw e;
    }
  };

/** A `ModuleError` about the leaf at `path` (its path also in `error.path`). */
const atLeaf = (path: string, message: string): ModuleError => {
  const e = new ModuleError(message);
  e.path.push(...path.split('.'));
  return e;
};

const describeLeaf = (u: unknown): string =>
  u instanceof tf.Tensor ? `a ${u.dtype} tensor of shape [${u.shape.join(', ')}]` : describeData(u);
