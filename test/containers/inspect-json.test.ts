// Parsing the engine's JSON output (ps lines and inspect arrays) for docker and podman.
import { describe, expect, it } from 'vitest';
import { parseInspect, parsePsLines } from '../../src/containers/inspect-json.js';

describe('parsePsLines', () => {
  it('reads docker (ID) and podman (Id) rows and skips blank lines', () => {
    const out = '{"ID":"abc","Names":"x","State":"running"}\n\n{"Id":"def","Names":["y"]}\n';
    expect(parsePsLines(out)).toEqual(['abc', 'def']);
  });
  it('gives an empty list for empty output', () => {
    expect(parsePsLines('')).toEqual([]);
  });
  it('rejects free text with a typed error', () => {
    expect(() => parsePsLines('CONTAINER ID   IMAGE')).toThrow(expect.objectContaining({ code: 'hooks.containers.bad_output' }));
    expect(() => parsePsLines('{"Names":"x"}')).toThrow(expect.objectContaining({ code: 'hooks.containers.bad_output' }));
  });
});

describe('parseInspect', () => {
  const running = {
    Id: 'id1',
    Name: '/svc-a',
    State: { Status: 'running', Running: true, Paused: false, StartedAt: '2026-01-01T00:00:00Z' },
    Config: { Labels: { 'hooksctl.instance': 'a', n: 1 } },
  };
  it('maps id, name without slash, state and string labels', () => {
    expect(parseInspect(JSON.stringify([running]))).toEqual([
      {
        id: 'id1',
        name: 'svc-a',
        status: 'running',
        running: true,
        paused: false,
        startedAt: '2026-01-01T00:00:00Z',
        labels: { 'hooksctl.instance': 'a' },
      },
    ]);
  });
  it('reads paused and exited containers, and null labels', () => {
    const paused = { Id: 'p', Name: '/p', State: { Status: 'paused', Running: true, Paused: true }, Config: { Labels: null } };
    const exited = { Id: 'e', Name: '/e', State: { Status: 'exited', Running: false }, Config: {} };
    const [p, e] = parseInspect(JSON.stringify([paused, exited]));
    expect(p).toMatchObject({ paused: true, running: true, labels: {} });
    expect(e).toMatchObject({ paused: false, running: false, status: 'exited', startedAt: '' });
  });
  it('gives an empty list for empty output and rejects non-arrays', () => {
    expect(parseInspect('  \n')).toEqual([]);
    expect(() => parseInspect('{}')).toThrow(expect.objectContaining({ code: 'hooks.containers.bad_output' }));
  });
});
