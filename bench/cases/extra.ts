/**
 * The contenders a training case gets besides its own: `parallax-compiled` (when src/index.ts
 * exports `compile`) and `stock-tfjs` (when the process runs a stock child, bench/stock/).
 */
import type { Contender } from '../harness.js';
import { type StockProcess, stockContender } from '../stock/remote.js';
import type { Runner } from '../harness.js';
import { compileFn } from './parallaxSgd.js';

/** Where a case gets the stock-tfjs child from (started on first use); undefined: no stock contender. */
export type StockSource = (() => StockProcess) | undefined;

export const compiledContender = (setup: () => Runner): Contender[] =>
  compileFn() === undefined ? [] : [{ name: 'parallax-compiled', setup, mayFail: true }];

export const stockContenders = (stock: StockSource, caseName: string): Contender[] =>
  stock === undefined ? [] : [stockContender(stock, caseName)];
