import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Decode a QR PNG back to its text, as a phone camera would. */
export function decodeQrPng(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  const result = (jsQR as unknown as (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null)(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  );
  return result?.data;
}
