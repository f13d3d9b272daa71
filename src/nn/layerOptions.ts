/**
 * The options record a layer's `create` takes, checked as a whole before the layer reads it: a
 * flag that is not a boolean (`bias: 'false'` would read as true), an initializer that is not a
 * function (it would fail later, inside `initialize`), and a key the layer does not have (PyTorch's
 * `bidirectional` or `max_norm`, silently ignored otherwise) are each an `ArgumentError` naming
 * the layer and the option. Values of other options are checked by the layer itself.
 *
 * @since 0.2.0
 */
import { ArgumentError } from '../tree/ArgumentError.js';
import { ModuleError } from '../tree/ModuleError.js';
import { describeData } from '../tree/describeData.js';
import { isOptionsRecord, unknownOption } from '../tree/optionKeys.js';

/**
 * What an option holds: `'flag'` a boolean, `'initializer'` an `Initializer` function, `'value'`
 * anything the layer checks itself.
 *
 * @example
 * import type { OptionKind } from './layerOptions.js'
 * const kind: OptionKind = 'flag'
 * @since 0.2.0
 * @internal
 */
export type OptionKind = 'flag' | 'initializer' | 'value';

/**
 * The kind of every option of `O`: the compiler checks that the list names each key of `O`, and
 * no other.
 *
 * @example
 * import type { OptionKinds } from './layerOptions.js'
 * const kinds: OptionKinds<{ readonly bias?: boolean; readonly eps?: number }> = { bias: 'flag', eps: 'value' }
 * @since 0.2.0
 * @internal
 */
export type OptionKinds<O> = { readonly [K in keyof O]-?: OptionKind };

/**
 * Throws an `ArgumentError` (or the error `fail` makes: a forward pass's options are a
 * `ModuleError`) naming `fn` and the option unless `options` is an object whose keys are all in
 * `kinds`, each flag a boolean and each initializer a function (`undefined` is an absent option).
 *
 * @example
 * import { checkLayerOptions } from './layerOptions.js'
 * import type { LinearOptions } from './Linear.js'
 * const kinds = { bias: 'flag', weightInit: 'initializer', biasInit: 'initializer' } as const
 * checkLayerOptions<LinearOptions>('Linear.create', { bias: false }, kinds) // fine
 * checkLayerOptions<LinearOptions>('Linear.create', { bias: 'no' as never }, kinds) // throws: Linear.create: bias must be true or false, got "no"
 * @since 0.2.0
 * @internal
 */
export const checkLayerOptions = <O extends object>(
  fn: string,
  options: O,
  kinds: OptionKinds<O>,
  fail: (message: string) => Error = (message) => new ArgumentError(message),
): void => {
  const known = Object.keys(kinds);
  const list = known.join(', ');
  if (!isOptionsRecord(options)) throw fail(`${fn}: options must be an object with some of ${list}, got ${describeData(options)}`);
  const unknown = unknownOption(options, known);
  if (unknown !== undefined) throw fail(`${fn}: unknown option ${describeData(unknown)}; the options are ${list}`);
  for (const [key, value] of Object.entries(options)) {
    const kind = (kinds as Record<string, OptionKind>)[key];
    if (kind === 'flag' && value !== undefined && typeof value !== 'boolean') {
      throw fail(`${fn}: ${key} must be true or false, got ${describeData(value)}`);
    }
    if (kind === 'initializer' && value !== undefined && typeof value !== 'function') {
      throw fail(
        `${fn}: ${key} must be an initializer, a function (shape) => (key) => Tensor such as init.normal(0.02), got ${describeData(value)}`,
      );
    }
  }
};

/**
 * The error of a forward pass's options: a `ModuleError`, which the forward wrapper extends with
 * the module's path.
 *
 * @example
 * import { checkLayerOptions, moduleError } from './layerOptions.js'
 * checkLayerOptions('MultiheadAttention.forward', { causal: true }, { causal: 'flag' }, moduleError) // fine
 * @since 0.2.0
 * @internal
 */
export const moduleError = (message: string): Error => new ModuleError(message);
