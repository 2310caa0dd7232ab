/**
 * QR codes of client configs, for the official WireGuard apps' "scan from QR code".
 *
 * Choices, for the longest config the bot writes (~450 bytes: IPv4+IPv6 addresses, two DNS servers,
 * an IPv6 endpoint, a preshared key, keepalive):
 * - Error correction M (15%): version 17, 85 modules. L (version 14, 73 modules) leaves little margin
 *   for glare and moiré when a phone films a screen; Q and H (versions 20 and 23) make the modules too
 *   small for a phone held at a comfortable distance.
 * - 8 px per module (at least 6 are needed so chat apps' downscaling and JPEG recompression keep module
 *   edges sharp): ~750 px wide, which still fits on a phone screen.
 * - Quiet zone of 4 modules, the size ISO/IEC 18004 requires; chat apps show images on dark themes,
 *   so the white border must be part of the image.
 */
import { deflateSync } from 'node:zlib';
import type QRCode from 'qrcode';

export const QR_ERROR_CORRECTION = 'M' as const;
export const QR_MODULE_PIXELS = 8;
export const QR_QUIET_ZONE_MODULES = 4;

type Modules = QRCode.QRCode['modules'];

// qrcode costs ~10 MiB of memory once loaded: load it on the first QR, not at start (idle RSS on a 512 MiB Pi).
let qrcode: Promise<typeof QRCode> | undefined;

async function createModules(text: string): Promise<Modules> {
  qrcode ??= import('qrcode').then((m) => m.default);
  // One byte-mode segment: a config is byte data anyway, and it skips the package's search for the optimal
  // mix of modes (half the time per code, same symbol version). The mask is still chosen by penalty score.
  return (await qrcode).create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: QR_ERROR_CORRECTION }).modules;
}

/** Dark module at (x, y); everything outside the symbol (the quiet zone) is light. */
function isDark(modules: Modules, x: number, y: number): boolean {
  return x >= 0 && y >= 0 && x < modules.size && y < modules.size && Boolean(modules.get(y, x));
}

/**
 * The qrcode package computes the symbol; the PNG is written here as 1-bit greyscale, because the
 * package's RGBA output (through pngjs, trying every row filter) took 60–70 ms per code on a desktop CPU
 * (several times that on a Pi), against ~5 ms in all this way. Image: ~750×750 px, ~2 KB.
 */
export async function renderQrPng(text: string): Promise<Buffer> {
  return encodeMonochromePng(await createModules(text));
}

function encodeMonochromePng(modules: Modules): Buffer {
  const quiet = QR_QUIET_ZONE_MODULES;
  const scale = QR_MODULE_PIXELS;
  const side = (modules.size + 2 * quiet) * scale;
  const rowBytes = Math.ceil(side / 8);
  const stride = rowBytes + 1; // each scanline starts with its filter type (0: none)
  const raw = Buffer.alloc(stride * side);
  const row = Buffer.alloc(rowBytes);

  for (let moduleY = -quiet; moduleY < modules.size + quiet; moduleY++) {
    row.fill(0xff); // 1 bits are white
    for (let moduleX = -quiet; moduleX < modules.size + quiet; moduleX++) {
      if (!isDark(modules, moduleX, moduleY)) continue;
      const startPixel = (moduleX + quiet) * scale;
      for (let px = startPixel; px < startPixel + scale; px++) {
        row[px >> 3] = (row[px >> 3] ?? 0) & ~(0x80 >> (px & 7));
      }
    }
    const firstScanline = (moduleY + quiet) * scale;
    for (let line = firstScanline; line < firstScanline + scale; line++) row.copy(raw, line * stride + 1);
  }

  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // colour type: greyscale
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const ANSI_BLACK_ON_WHITE = '\x1b[30;47m';
const ANSI_RESET = '\x1b[0m';
// Upper half block drawn in the foreground (black) colour over the white background.
const HALF_BLOCKS = { none: ' ', top: '▀', bottom: '▄', both: '█' } as const;

/**
 * Two modules per character cell (half blocks), so a version 17 code stays 93 columns wide. Colours are
 * forced (black on white) because on a dark terminal an uncoloured code would appear inverted, which some
 * scanners refuse; the quiet zone is 4 modules as on the PNG.
 */
export async function renderQrTerminal(text: string): Promise<string> {
  const modules = await createModules(text);
  const size = modules.size;
  const quiet = QR_QUIET_ZONE_MODULES;
  const dark = (x: number, y: number): boolean => isDark(modules, x, y);

  const rows: string[] = [];
  for (let y = -quiet; y < size + quiet; y += 2) {
    let row = '';
    for (let x = -quiet; x < size + quiet; x++) {
      const top = dark(x, y);
      const bottom = dark(x, y + 1);
      row += top ? (bottom ? HALF_BLOCKS.both : HALF_BLOCKS.top) : bottom ? HALF_BLOCKS.bottom : HALF_BLOCKS.none;
    }
    rows.push(`${ANSI_BLACK_ON_WHITE}${row}${ANSI_RESET}`);
  }
  return `${rows.join('\n')}\n`;
}
