// The message catalog: fixed 128-bit IDs, and the committed units/hooksctl.catalog matches them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogPath, MESSAGE_IDS, renderCatalog } from '../../src/systemd/journal/catalog.js';

describe('message catalog', () => {
  it('has one distinct 128-bit lowercase hex ID per step', () => {
    const ids = Object.values(MESSAGE_IDS);
    expect(Object.keys(MESSAGE_IDS)).toEqual(['startup', 'ready', 'signal', 'drain', 'abort', 'cleanup', 'bye']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the IDs fixed (users match on them)', () => {
    expect(MESSAGE_IDS.drain).toBe('a086bce6b88142d5b183c9ab8f99f254');
    expect(MESSAGE_IDS.bye).toBe('d41528c7d5c84bb6907706b31a9271c4');
  });

  it('the committed catalog file is exactly renderCatalog()', () => {
    expect(catalogPath()).toMatch(/\/units\/hooksctl\.catalog$/);
    expect(readFileSync(catalogPath(), 'utf8')).toBe(renderCatalog());
  });

  it('has a header, Subject and Defined-By for every ID', () => {
    const text = renderCatalog();
    for (const id of Object.values(MESSAGE_IDS))
      expect(text).toMatch(new RegExp(`^-- ${id}\\nSubject: .+\\nDefined-By: hooksctl\\n\\n\\S`, 'm'));
    expect(text.match(/^-- /gm)).toHaveLength(7);
  });
});
