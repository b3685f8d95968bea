import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { AppStatus } from '../../src/host-api';
import { crc32, encodePng, trayIconPixels, trayIconPng } from '../../main/host/tray-icons';
import { TRAY_TEXT, trayLanguage, trayModel, type TrayIcon } from '../../main/host/tray-model';

const good: AppStatus = { registration: 'registered', availability: 'ready', doNotDisturb: false, inCall: false };
const en = TRAY_TEXT.en;
const fr = TRAY_TEXT.fr;

describe('trayLanguage', () => {
  it("follows the user's choice, else the OS language, else English (as the page does)", () => {
    expect(trayLanguage('fr', 'en-US')).toBe('fr');
    expect(trayLanguage('en', 'fr-FR')).toBe('en');
    expect(trayLanguage('system', 'fr-CA')).toBe('fr');
    expect(trayLanguage('system', 'FR')).toBe('fr');
    expect(trayLanguage('system', 'de-DE')).toBe('en');
    expect(trayLanguage('system', '')).toBe('en');
  });
});

describe('trayModel', () => {
  it('connected and ready: the ok icon, the status in the tooltip and as the first (disabled) menu line', () => {
    const m = trayModel(good, en);
    expect(m.icon).toBe('ok');
    expect(m.tooltip).toBe('Secours Softphone — Connected · Emergency calls: ready');
    expect(m.menu).toEqual([
      { id: 'status', label: 'Connected · Emergency calls: ready', type: 'normal', checked: false, enabled: false },
      { id: 'separator', label: '', type: 'separator', checked: false, enabled: true },
      { id: 'show', label: 'Show Secours Softphone', type: 'normal', checked: false, enabled: true },
      { id: 'doNotDisturb', label: 'Do not disturb', type: 'checkbox', checked: false, enabled: true },
      { id: 'separator', label: '', type: 'separator', checked: false, enabled: true },
      { id: 'quit', label: 'Quit', type: 'normal', checked: false, enabled: true },
    ]);
  });

  it.each<[Partial<AppStatus>, TrayIcon]>([
    [{}, 'ok'],
    [{ availability: 'degraded' }, 'warn'],
    [{ registration: 'connecting', availability: 'unavailable' }, 'error'],
    [{ registration: 'connecting', availability: 'ready' }, 'warn'],
    [{ registration: 'unconfigured', availability: 'unavailable' }, 'error'],
    [{ registration: 'failed', availability: 'unavailable' }, 'error'],
    [{ doNotDisturb: true }, 'dnd'],
    [{ doNotDisturb: true, availability: 'degraded' }, 'dnd'],
    // A phone that cannot call for help says so first, Do not disturb or not.
    [{ doNotDisturb: true, availability: 'unavailable' }, 'error'],
    [{ doNotDisturb: true, registration: 'failed' }, 'error'],
    [{ inCall: true }, 'ok'],
  ])('%o → %s', (patch, icon) => {
    expect(trayModel({ ...good, ...patch }, en).icon).toBe(icon);
  });

  it('Do not disturb ticks the menu item and is said in the tooltip; a call too', () => {
    const m = trayModel({ ...good, doNotDisturb: true, inCall: true }, en);
    expect(m.menu.find((i) => i.id === 'doNotDisturb')?.checked).toBe(true);
    expect(m.tooltip).toBe('Secours Softphone — Connected · Emergency calls: ready · In a call · Do not disturb is on');
  });

  it('before the page reports: starting, with the stored Do not disturb', () => {
    expect(trayModel(null, en)).toMatchObject({ icon: 'warn', tooltip: 'Secours Softphone — Starting…' });
    const m = trayModel(null, en, true);
    expect(m.tooltip).toBe('Secours Softphone — Starting… · Do not disturb is on');
    expect(m.menu.find((i) => i.id === 'doNotDisturb')?.checked).toBe(true);
    // The page's own report wins over the stored preference.
    expect(trayModel({ ...good, doNotDisturb: false }, en, true).menu.find((i) => i.id === 'doNotDisturb')?.checked).toBe(false);
  });

  it('in French', () => {
    const m = trayModel({ registration: 'failed', availability: 'unavailable', doNotDisturb: true, inCall: false }, fr);
    expect(m.tooltip).toBe('Secours Softphone — Non connecté · Appels d’urgence : indisponibles · Ne pas déranger est activé');
    expect(m.menu.map((i) => i.label).filter(Boolean)).toEqual([
      'Non connecté · Appels d’urgence : indisponibles · Ne pas déranger est activé',
      'Afficher Secours Softphone',
      'Ne pas déranger',
      'Quitter',
    ]);
  });

  it('both languages have every text, none empty', () => {
    const keys = (t: object): string[] => Object.keys(t).sort();
    expect(keys(fr)).toEqual(keys(en));
    for (const t of [en, fr]) {
      for (const v of Object.values(t)) {
        for (const s of typeof v === 'string' ? [v] : Object.values(v as Record<string, string>)) expect(s.trim()).not.toBe('');
      }
    }
  });
});

/** Decodes the PNGs encodePng writes (RGBA, 8 bits, filter 0 on every row). */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[10], data[11], data[12]]).toEqual([8, 6, 0, 0, 0]);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, rgba };
}

describe('tray icons', () => {
  it('crc32 is the PNG one', () => {
    expect(crc32(Buffer.from('IEND', 'latin1'))).toBe(0xae426082);
    expect(crc32(Buffer.from('123456789', 'latin1'))).toBe(0xcbf43926);
  });

  it.each<TrayIcon>(['ok', 'warn', 'error', 'dnd'])('%s: a valid PNG of the asked size, transparent corners, an opaque disc with a white mark', (kind) => {
    for (const size of [16, 32]) {
      const { width, height, rgba } = decodePng(trayIconPng(kind, size));
      expect([width, height]).toEqual([size, size]);
      expect(rgba).toEqual(trayIconPixels(kind, size));
      const at = (x: number, y: number): number[] => [...rgba.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
      expect(at(0, 0)[3]).toBe(0);
      expect(at(size - 1, size - 1)[3]).toBe(0);
      // Near the edge of the disc, on the left: the state's colour, fully opaque.
      const edge = at(Math.round(size * 0.12), Math.floor(size / 2));
      expect(edge[3]).toBe(255);
      expect(Math.min(...edge.slice(0, 3))).toBeLessThan(200);
      // Some pixels are white: the mark.
      let white = 0;
      for (let i = 0; i < rgba.length; i += 4) if ((rgba[i] as number) > 240 && (rgba[i + 1] as number) > 240 && (rgba[i + 2] as number) > 240 && rgba[i + 3] === 255) white++;
      expect(white).toBeGreaterThan(0);
    }
  });

  it('each state has its own colour', () => {
    const edgeColour = (kind: TrayIcon): string => {
      const p = trayIconPixels(kind, 32);
      const i = (16 * 32 + 4) * 4;
      return [p[i], p[i + 1], p[i + 2]].join(',');
    };
    expect(new Set((['ok', 'warn', 'error', 'dnd'] as const).map(edgeColour)).size).toBe(4);
  });

  it('encodePng round-trips any image', () => {
    const rgba = new Uint8Array(3 * 3 * 4).map((_, i) => (i * 37) % 256);
    expect(decodePng(encodePng(rgba, 3)).rgba).toEqual(rgba);
  });
});
