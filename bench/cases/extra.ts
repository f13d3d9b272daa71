/**
 * The contenders a training case gets besides its own: `parallax-compiled` and `stock-tfjs` (when
 * the process runs a stock child, bench/stock/).
 */
import type { Contender } from '../harness.js';
import { type StockProcess, stockContender } from '../stock/remote.js';
import type { Runner } from '../harness.js';

/** Where a case gets the stock-tfjs child from (started on first use); undefined: no stock contender. */
export type StockSource = (() => StockProcess) | undefined;

export const compiledContender = (setup: () => Runner): Contender[] => [{ name: 'parallax-compiled', setup, mayFail: true }];

export const stockContenders = (stock: StockSource, caseName: string): Contender[] =>
  stock === undefined ? [] : [stockContender(stock, caseName)];
