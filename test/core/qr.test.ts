/* eslint-disable no-control-regex -- a terminal QR code is made of ANSI escapes */
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { renderClientConfig } from '../../src/core/client-config.js';
import { generateKeyPair, generatePresharedKey } from '../../src/core/keys.js';
import { QR_MODULE_PIXELS, QR_QUIET_ZONE_MODULES, renderQrPng, renderQrTerminal } from '../../src/core/qr.js';

// jsqr is CommonJS with an `exports.default`: under NodeNext the default import is the module object.
const jsQR = jsQRModule.default;

/** The longest config the bot writes: dual-stack addresses and DNS, a long IPv6 endpoint, PSK, keepalive, MTU. */
function longestConfig(): string {
  return renderClientConfig({
    privateKey: generateKeyPair().privateKey,
    addresses: ['10.255.255.254/16', 'fd11:5ee:bad:c0de:ffff:ffff:aff:fffe/64'],
    dns: ['2620:fe::fe', '2620:fe::9', '149.112.112.112', '255.255.255.255'],
    serverPublicKey: generateKeyPair().publicKey,
    presharedKey: generatePresharedKey(),
    endpoint: '[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535',
    allowedIps: ['0.0.0.0/0', '::/0'],
    persistentKeepalive: 25,
    mtu: 1420,
  });
}

function decodePng(png: Buffer): { text: string | undefined; width: number; height: number } {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  return { text: code?.data, width: image.width, height: image.height };
}

describe('renderQrPng', () => {
  it('encodes the longest config so that it decodes back exactly', async () => {
    const config = longestConfig();
    expect(config.length).toBeGreaterThan(440);
    const decoded = decodePng(await renderQrPng(config));
    expect(decoded.text).toBe(config);
  });

  it('uses modules of at least 6 px and a 4-module quiet zone', async () => {
    const config = longestConfig();
    const { modules, version } = QRCode.create([{ data: Buffer.from(config), mode: 'byte' }], { errorCorrectionLevel: 'M' });
    const png = PNG.sync.read(await renderQrPng(config));
    expect(QR_MODULE_PIXELS).toBeGreaterThanOrEqual(6);
    expect(png.width).toBe((modules.size + 2 * QR_QUIET_ZONE_MODULES) * QR_MODULE_PIXELS);
    expect(png.height).toBe(png.width);
    // Small enough for a phone to resolve from a screen.
    expect(version).toBeLessThanOrEqual(17);
    // The quiet zone is white: every pixel of the outer border rows and columns.
    const border = QR_QUIET_ZONE_MODULES * QR_MODULE_PIXELS;
    let darkInQuietZone = 0;
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const inside = x >= border && y >= border && x < png.width - border && y < png.height - border;
        if (!inside && png.data[(y * png.width + x) * 4] !== 255) darkInQuietZone++;
      }
    }
    expect(darkInQuietZone).toBe(0);
    // …and the symbol starts right after it: the finder pattern's top-left module is dark.
    expect(png.data[(border * png.width + border) * 4]).toBe(0);
  });
});

describe('renderQrTerminal', () => {
  /** Turns half-block rows back into pixels (1 px per module) for the decoder. */
  function terminalToImage(output: string): { data: Uint8ClampedArray; width: number; height: number } {
    const rows = output
      .trimEnd()
      .split('\n')
      .map((row) => Array.from(row.replace(/\x1b\[[0-9;]*m/g, '')));
    const width = rows[0]!.length;
    const height = rows.length * 2;
    const data = new Uint8ClampedArray(width * height * 4).fill(255);
    rows.forEach((cells, row) => {
      expect(cells).toHaveLength(width);
      cells.forEach((cell, x) => {
        const top = cell === '█' || cell === '▀';
        const bottom = cell === '█' || cell === '▄';
        for (const [y, dark] of [
          [row * 2, top],
          [row * 2 + 1, bottom],
        ] as const) {
          if (dark) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
        }
      });
    });
    return { data, width, height };
  }

  it('draws the same modules, black on white with forced colours, and decodes back', async () => {
    const config = longestConfig();
    const output = await renderQrTerminal(config);
    const { modules } = QRCode.create([{ data: Buffer.from(config), mode: 'byte' }], { errorCorrectionLevel: 'M' });
    const image = terminalToImage(output);
    expect(image.width).toBe(modules.size + 2 * QR_QUIET_ZONE_MODULES);
    for (const row of output.trimEnd().split('\n')) expect(row).toMatch(/^\x1b\[30;47m.*\x1b\[0m$/);

    // Scale up so the decoder sees more than one pixel per module.
    const scale = 4;
    const big = new Uint8ClampedArray(image.width * scale * image.height * scale * 4);
    for (let y = 0; y < image.height * scale; y++) {
      for (let x = 0; x < image.width * scale; x++) {
        const from = (Math.floor(y / scale) * image.width + Math.floor(x / scale)) * 4;
        big.set(image.data.subarray(from, from + 4), (y * image.width * scale + x) * 4);
      }
    }
    expect(jsQR(big, image.width * scale, image.height * scale)?.data).toBe(config);

    // Module for module, the same symbol as the PNG.
    const quiet = QR_QUIET_ZONE_MODULES;
    for (let y = 0; y < modules.size; y++) {
      for (let x = 0; x < modules.size; x++) {
        const dark = image.data[((y + quiet) * image.width + x + quiet) * 4] === 0;
        expect(dark).toBe(Boolean(modules.get(y, x)));
      }
    }
  });
});
