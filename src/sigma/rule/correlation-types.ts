/**
 * @module sigma/rule/correlation-types
 * The correlation rule as the loader hands it on; the model belongs to `sigma/correlate`.
 */
export type { SigmaCorrelation } from '../correlate/types.js';
