/**
 * The tray icons, drawn in code as PNGs (no image files to ship or download): a coloured disc per
 * state with a white mark, so the state does not rest on colour alone. ok: green, a tick; warn:
 * amber, an exclamation mark; error: red, a cross; dnd: grey, a bar (the usual "do not disturb").
 * Electron-free: main/desktop.ts hands the bytes to nativeImage.
 */
import { deflateSync } from 'node:zlib';
import type { TrayIcon } from './tray-model';

type Rgb = readonly [number, number, number];

const COLOURS: Record<TrayIcon, Rgb> = {
  ok: [0x10, 0x7c, 0x10],
  warn: [0xc1, 0x6a, 0x00],
  error: [0xc5, 0x0f, 0x1f],
  dnd: [0x5c, 0x5c, 0x5c],
};

/** Distance from point (px, py) to the segment (ax, ay)–(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The white mark of each state, in a unit square (0..1, centre 0.5): strokes of this width. */
const STROKE = 0.13;
const MARKS: Record<TrayIcon, ReadonlyArray<readonly [number, number, number, number]>> = {
  ok: [
    [0.29, 0.52, 0.44, 0.67],
    [0.44, 0.67, 0.72, 0.36],
  ],
  warn: [
    [0.5, 0.25, 0.5, 0.56],
    [0.5, 0.74, 0.5, 0.74],
  ],
  error: [
    [0.33, 0.33, 0.67, 0.67],
    [0.67, 0.33, 0.33, 0.67],
  ],
  dnd: [[0.28, 0.5, 0.72, 0.5]],
};

/** RGBA pixels, row by row: the disc and its mark, anti-aliased by 4×4 supersampling. */
export function trayIconPixels(kind: TrayIcon, size: number): Uint8Array {
  const [r, g, b] = COLOURS[kind];
  const out = new Uint8Array(size * size * 4);
  const N = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let disc = 0;
      let mark = 0;
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const u = (x + (sx + 0.5) / N) / size;
          const v = (y + (sy + 0.5) / N) / size;
          if (Math.hypot(u - 0.5, v - 0.5) > 0.47) continue;
          disc++;
          if (MARKS[kind].some(([ax, ay, bx, by]) => segmentDistance(u, v, ax, ay, bx, by) <= STROKE / 2)) mark++;
        }
      }
      const i = (y * size + x) * 4;
      const alpha = disc / (N * N);
      if (alpha === 0) continue;
      // Over the disc's own pixels: white in proportion to the mark's share.
      const w = mark / disc;
      out[i] = Math.round(r + (255 - r) * w);
      out[i + 1] = Math.round(g + (255 - g) * w);
      out[i + 2] = Math.round(b + (255 - b) * w);
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** A square RGBA image as a PNG file (8 bits per channel, no filtering). */
export function encodePng(rgba: Uint8Array, size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  // compression, filter and interlace methods: 0
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** The tray icon of a state as PNG bytes, `size` pixels square. */
export function trayIconPng(kind: TrayIcon, size: number): Buffer {
  return encodePng(trayIconPixels(kind, size), size);
}
