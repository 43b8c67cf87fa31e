/**
 * @module sources/evtx/binxml/value-types
 * BinXml value type codes (MS-EVEN6 / libyal "Value types"). Bit 0x80 marks an array.
 */
export const VT_NULL = 0x00;
export const VT_STRING = 0x01;
export const VT_ANSI = 0x02;
export const VT_INT8 = 0x03;
export const VT_UINT8 = 0x04;
export const VT_INT16 = 0x05;
export const VT_UINT16 = 0x06;
export const VT_INT32 = 0x07;
export const VT_UINT32 = 0x08;
export const VT_INT64 = 0x09;
export const VT_UINT64 = 0x0a;
export const VT_REAL32 = 0x0b;
export const VT_REAL64 = 0x0c;
export const VT_BOOL = 0x0d;
export const VT_BINARY = 0x0e;
export const VT_GUID = 0x0f;
export const VT_SIZET = 0x10;
export const VT_FILETIME = 0x11;
export const VT_SYSTIME = 0x12;
export const VT_SID = 0x13;
export const VT_HEX32 = 0x14;
export const VT_HEX64 = 0x15;
export const VT_EVTHANDLE = 0x20;
export const VT_BINXML = 0x21;
export const VT_EVTXML = 0x23;
export const VT_ARRAY = 0x80;

/** Fixed item size of a type, or 0 when variable (strings, binary, SID, size_t). */
export function fixedSize(type: number): number {
  switch (type & 0x7f) {
    case VT_INT8:
    case VT_UINT8:
      return 1;
    case VT_INT16:
    case VT_UINT16:
      return 2;
    case VT_INT32:
    case VT_UINT32:
    case VT_REAL32:
    case VT_BOOL:
    case VT_HEX32:
      return 4;
    case VT_INT64:
    case VT_UINT64:
    case VT_REAL64:
    case VT_FILETIME:
    case VT_HEX64:
      return 8;
    case VT_GUID:
    case VT_SYSTIME:
      return 16;
    default:
      return 0;
  }
}
