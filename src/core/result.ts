/**
 * @module core/result
 * The `Result` type every parser and loader returns instead of throwing on bad input
 * (style rule 1 and 3): `{ok: true, value}` or `{ok: false, issues}`.
 */
import type { Issue } from './issue.js';

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E = Issue> = { readonly ok: false; readonly issues: readonly E[] };
export type Result<T, E = Issue> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E = Issue>(...issues: E[]): Err<E> {
  return { ok: false, issues };
}
