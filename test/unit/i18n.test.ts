import { describe, expect, it } from 'vitest';
import en from '../../renderer/src/locales/en.json';
import fr from '../../renderer/src/locales/fr.json';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('translations', () => {
  it('French and English have the same keys', () => {
    expect(keys(fr).sort()).toEqual(keys(en).sort());
  });
  it('no French string is left empty', () => {
    const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'object' && v ? values(v as object) : [String(v)]));
    expect(values(fr).filter((v) => v.trim() === '')).toEqual([]);
  });
});
