/**
 * @module sigma/rule/correlation-types
 * The correlation rule as the loader hands it on. The correlation model itself belongs to
 * `sigma/correlate`; until it is wired in, a correlation document is kept raw with its location.
 */

export interface RawCorrelation {
  readonly kind: 'correlation';
  readonly raw: Readonly<Record<string, unknown>>;
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type SigmaCorrelation = RawCorrelation;
