/**
 * @module sources/binary
 * Public surface of the binary helpers: the bounds-checked `ByteReader` and CRC-32.
 */

export type { ByteReaderOptions } from './byte-reader.js';
export { ByteReader, filetimeToIso, ReadFault, tryRead } from './byte-reader.js';
export { crc32 } from './crc32.js';
