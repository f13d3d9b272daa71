/**
 * Disposed tensors as the module core sees them (it does not import tfjs): a leaf or input whose
 * `isDisposed` is true. tfjs itself reports using one as "Cannot read properties of undefined
 * (reading 'backend')"; the forward passes and zips name the path instead.
 *
 * @since 0.2.0
 */

/** What the module core reads of a tensor: enough to recognise and describe a disposed one. @internal */
export interface DisposableLike {
  readonly isDisposed: boolean;
  readonly dtype: string;
  readonly shape: ReadonlyArray<number>;
}

/** Whether `u` is a disposed tensor. A property read: cheap enough for every forward pass. @internal */
export const isDisposedTensor = (u: unknown): u is DisposableLike =>
  typeof u === 'object' && u !== null && (u as { isDisposed?: unknown }).isDisposed === true && Array.isArray((u as DisposableLike).shape);

/** `a disposed tensor (float32[3, 2]): it was freed ... before this call`, for messages. @internal */
export const describeDisposed = (t: DisposableLike): string =>
  `a disposed tensor (${t.dtype}[${t.shape.join(', ')}]): it was freed (by dispose, by tidy, or by a trainStep that consumed ` +
  'the state holding it) before this call';
