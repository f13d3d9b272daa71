/**
 * Type-level checks (compiled by `tsc -p test`, never run): the lists of options that nn, losses and
 * optim check at run time must name every option of their options type, and no other, so a new
 * option cannot be added to a type and forgotten by its check. Each `@ts-expect-error` line must
 * fail to compile; every other line must.
 */
import { checkLossOptions } from '../../src/losses/arguments.js';
import type { CrossEntropyOptions } from '../../src/losses/crossEntropy.js';
import { checkLayerOptions } from '../../src/nn/layerOptions.js';
import type { LinearOptions } from '../../src/nn/Linear.js';
import { checkOptionKeys } from '../../src/optim/hyperparameters.js';
import type { SgdOptions } from '../../src/optim/sgd.js';

declare const linear: LinearOptions;
checkLayerOptions('Linear.create', linear, { bias: 'flag', weightInit: 'initializer', biasInit: 'initializer' });
// @ts-expect-error biasInit is missing from the list
checkLayerOptions('Linear.create', linear, { bias: 'flag', weightInit: 'initializer' });
// @ts-expect-error the list names an option LinearOptions does not have
checkLayerOptions('Linear.create', linear, { bias: 'flag', weightInit: 'initializer', biasInit: 'initializer', eps: 'value' });
// @ts-expect-error 'boolean' is not an option kind
checkLayerOptions('Linear.create', linear, { bias: 'boolean', weightInit: 'initializer', biasInit: 'initializer' });

declare const crossEntropy: CrossEntropyOptions;
checkLossOptions('crossEntropy', crossEntropy, { weight: true, ignoreIndex: true, reduction: true, labelSmoothing: true });
// @ts-expect-error labelSmoothing is missing from the list
checkLossOptions('crossEntropy', crossEntropy, { weight: true, ignoreIndex: true, reduction: true });

declare const sgd: SgdOptions;
checkOptionKeys('sgd', sgd, { momentum: true, nesterov: true });
// @ts-expect-error the list names an option SgdOptions does not have
checkOptionKeys('sgd', sgd, { momentum: true, nesterov: true, dampening: true });
