/**
 * @module test/utils/cli-entry
 * Runs the CLI from source (under tsx) so end-to-end tests need no build.
 */
import { main } from '../../src/cli/main.js';

await main(process.argv);
