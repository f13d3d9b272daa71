/**
 * `Initializer`: how a parameter's first value is drawn. An initializer takes the parameter's
 * shape and returns a `Reader<PRNGKey, Tensor>`: nothing is drawn until a key is supplied, and
 * the same key always gives the same tensor (`jax.nn.initializers` with the key moved last).
 *
 * @since 0.1.0
 */
import type { Reader } from 'fp-ts/lib/Reader.js';
import type { tf } from '../engine/backend.js';
import { assertPRNGKey, type PRNGKey } from '../random/PRNGKey.js';
import { shapeSize, type Shape } from '../random/Shape.js';

/**
 * The shape an initializer is applied to: the samplers' `Shape`, outermost dimension first.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const shape: init.Shape = [3, 4]
 * const w = init.heNormal()(shape)(random.key(0)) // a float32 tensor of shape [3, 4]
 * w.dispose()
 * @category model
 * @since 0.1.0
 */
export type { Shape } from '../random/Shape.js';

/**
 * `(shape) => Reader<PRNGKey, Tensor>`: a float32 tensor of `shape` drawn from the key. The
 * tensor is new and owned by the caller.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.glorotNormal()([5, 10])(random.key(0)) // one draw, shape [5, 10]
 * w.dispose()
 * @category model
 * @since 0.1.0
 */
export type Initializer = (shape: Shape) => Reader<PRNGKey, tf.Tensor>;

/**
 * Builds an initializer from a function of the checked shape, its element count and the checked
 * key; `name` prefixes every error. The shape is checked when the initializer is applied to it,
 * the key when the reader runs.
 *
 * @example
 * import { random, tf } from 'parallax-ts'
 * import { makeInitializer } from 'parallax-ts/init'
 * const twos = makeInitializer('twos', (shape) => () => tf.fill([...shape], 2))
 * const t = twos([2, 2])(random.key(0)) // [[2, 2], [2, 2]]
 * twos([2, -1]) // throws Error: twos: shape[1] must be a non-negative integer, got -1
 * @category constructors
 * @since 0.1.0
 */
export const makeInitializer =
  (name: string, draw: (shape: Shape, size: number) => (key: PRNGKey) => tf.Tensor): Initializer =>
  (shape) => {
    const size = shapeSize(name, shape);
    const run = draw(shape, size);
    return (key) => {
      assertPRNGKey(name, 'key', key);
      return run(key);
    };
  };
