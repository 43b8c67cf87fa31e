/**
 * @module core/log
 * The injected sinks library code reports through. Library layers never print (style rule 10);
 * `src/cli` supplies implementations that write to the terminal.
 */
import type { Issue } from './issue.js';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

/** Progress of long work: units are whatever the producer counts (bytes, events, files). */
export interface Progress {
  start(total: number, label: string): void;
  advance(n: number): void;
  done(): void;
}

export type IssueSink = (issue: Issue) => void;

export const nullLogger: Logger = { debug() {}, info() {}, warn() {} };
export const nullProgress: Progress = { start() {}, advance() {}, done() {} };
