/**
 * Composition of transformations (optax's `chain`): updates flow through each in order; the
 * state is the array of their states.
 * @since 0.1.0
 */
import { dispose } from '../engine/memory.js';
import { gradientTransformation, type GradientTransformation, type StateOf } from './GradientTransformation.js';
import { checkTransformation } from './hyperparameters.js';
import { OptimizerError } from './OptimizerError.js';
import { mapActive, type Updates } from './Updates.js';

/**
 * The state shape of a chain: one entry per link.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const opt = optim.chain(optim.scaleByAdam(), optim.scaleByLearningRate(1e-3))
 * const state = opt.init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * const [adamState, lrState] = state // typed per link: adamState.mu is an nn.Linear<Tensor | null>
 * lrState.count // 0
 * @category model
 * @since 0.1.0
 */
export type ChainState<Ts extends ReadonlyArray<GradientTransformation<unknown>>> = { readonly [K in keyof Ts]: StateOf<Ts[K]> };

/**
 * Applies the transformations one after the other. Intermediate updates are freed as soon as the
 * next link has consumed them.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.clipByGlobalNorm(1), optim.scaleByAdam(), optim.scaleByLearningRate(1e-3))
 * @category combinators
 * @since 0.1.0
 */
export const chain = <Ts extends ReadonlyArray<GradientTransformation<unknown>>>(
  ...transforms: Ts
): GradientTransformation<ChainState<Ts>> => {
  transforms.forEach((t, i) => checkTransformation('chain', `transforms[${i}]`, t));
  // The links, seen as they are written: for trees of any kind (see `gradientTransformation`).
  const links = transforms as unknown as ReadonlyArray<{
    readonly init: (params: Updates) => unknown;
    readonly update: (updates: Updates, state: unknown, params?: Updates) => readonly [Updates, unknown];
  }>;
  return gradientTransformation<ChainState<Ts>>({
    init: (params) => links.map((t) => t.init(params)) as unknown as ChainState<Ts>,
    update: (updates, state, params) => {
      const states = state as unknown as ReadonlyArray<unknown>;
      if (!Array.isArray(states) || states.length !== links.length) {
        throw new OptimizerError(
          'chain',
          'state',
          `expected a state with ${links.length} entries, got ${Array.isArray(states) ? states.length : typeof states}`,
          states,
        );
      }
      let u: Updates = updates;
      const next: unknown[] = [];
      try {
        links.forEach((t, i) => {
          const [u2, s2] = t.update(u, states[i], params);
          if (u !== updates) dispose(u);
          u = u2;
          next.push(s2);
        });
      } catch (e) {
        // A link failed (e.g. one that needs params got none): free what the earlier links made,
        // since the caller never sees it. Their states hold only new tensors (see the ownership note).
        if (u !== updates) dispose(u);
        dispose(next);
        throw e;
      }
      return [u === updates ? mapActive(u, (g) => g.clone()) : u, next as unknown as ChainState<Ts>];
    },
  });
};
