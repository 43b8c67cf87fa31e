/**
 * @module sources/evtx/file-header
 * The 4096-byte EVTX file header (`ElfFile\0`). Only the first 128 bytes carry data; the
 * CRC-32 at 124 covers bytes 0-119. A bad CRC is a flag on every record, not a failure.
 */

import type { Issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { type ByteReader, tryRead } from '../binary/byte-reader.js';
import { crc32 } from '../binary/crc32.js';

export const FILE_MAGIC = Uint8Array.of(0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00); // "ElfFile\0"
export const FILE_HEADER_BLOCK = 4096;

export interface EvtxFileHeaderInfo {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  /** Header block size (normally 4096: where the first chunk starts). */
  headerBlockSize: number;
  /** The chunk count the header claims (chunks are found by scanning, not by this). */
  chunkCount: number;
  /** File flags: 0x1 dirty, 0x2 full. */
  flags: number;
  checksum: number;
  crcOk: boolean;
}

/** Parse the file header at the start of `r` (the caller checked the magic). */
export function parseFileHeader(r: ByteReader): Result<EvtxFileHeaderInfo, Issue> {
  return tryRead(() => {
    r.need(0, 128, 'file-header');
    const checksum = r.u32(124, 'file-header.checksum');
    return {
      firstChunk: r.u64(8, 'file-header.first-chunk'),
      lastChunk: r.u64(16, 'file-header.last-chunk'),
      nextRecordId: r.u64(24, 'file-header.next-record-id'),
      headerSize: r.u32(32, 'file-header.size'),
      minorVersion: r.u16(36, 'file-header.minor-version'),
      majorVersion: r.u16(38, 'file-header.major-version'),
      headerBlockSize: r.u16(40, 'file-header.block-size'),
      chunkCount: r.u16(42, 'file-header.chunk-count'),
      flags: r.u32(120, 'file-header.flags'),
      checksum,
      crcOk: crc32(r.slice(0, 120, 'file-header')) === checksum,
    };
  });
}
