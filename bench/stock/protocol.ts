/**
 * Messages between the bench process and the `stock-tfjs` child (bench/stock/child.ts), over
 * Node's IPC channel. Each request carries an id; the child answers every request with the same id.
 */

export type StockRequest =
  | { readonly id: number; readonly op: 'setup'; readonly case: string }
  | { readonly id: number; readonly op: 'step'; readonly runner: number }
  | { readonly id: number; readonly op: 'run'; readonly runner: number; readonly steps: number }
  | { readonly id: number; readonly op: 'dispose'; readonly runner: number }
  | { readonly id: number; readonly op: 'info' };

export type StockReply =
  { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** The child's first message: the backend it runs on, or why it could not start. */
export type StockHello =
  { readonly hello: true; readonly backend: string; readonly tfjsCore: string } | { readonly hello: false; readonly error: string };

/** What `info` answers: evidence that the child's tfjs is stock (no parallax-ts kernels). */
export interface StockInfo {
  readonly backend: string;
  readonly tfjsCore: string;
  /** Kernels registered for the backend; parallax-ts adds e.g. `Conv2DBackpropFilter` on wasm. */
  readonly kernels: number;
  readonly hasConv2DBackpropFilter: boolean;
}
