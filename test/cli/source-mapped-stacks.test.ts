// formatFrame: a bundle frame gets its src/ position from the map; any other frame is left as V8 prints it.
import { describe, expect, it } from 'vitest';
import { SourceMap } from 'node:module';
import { formatFrame } from '../../src/cli/source-mapped-stacks.js';

const DIR = 'file:///opt/hooksctl/dist/bundle/';
// Generated line 1, column 10 comes from ../../src/service/index.ts line 51, column 11 (VLQ "UAkDW").
const map = new SourceMap({
  version: 3,
  file: 'x.js',
  sources: ['../../src/service/index.ts'],
  sourcesContent: [],
  sourceRoot: '',
  names: [],
  mappings: 'UAkDU',
});
const mapFor = () => ({ map, url: new URL(`${DIR}x.js.map`) });

function site(file: string, line: number, column: number, fn = 'runService'): NodeJS.CallSite {
  return {
    toString: () => `${fn} (${file}:${line}:${column})`,
    getFileName: () => file,
    getLineNumber: () => line,
    getColumnNumber: () => column,
  } as unknown as NodeJS.CallSite;
}

describe('formatFrame', () => {
  it('maps a frame in the bundle into src/', () => {
    expect(formatFrame(site(`${DIR}x.js`, 1, 11), DIR, mapFor)).toBe('runService (/opt/hooksctl/src/service/index.ts:51:11)');
  });

  it('leaves a frame outside the bundle as it is', () => {
    const other = site('file:///opt/hooksctl/node_modules/fastify/fastify.js', 3, 4, 'fastify');
    expect(formatFrame(other, DIR, mapFor)).toBe('fastify (file:///opt/hooksctl/node_modules/fastify/fastify.js:3:4)');
  });

  it('leaves a bundle frame as it is when its map is missing', () => {
    expect(formatFrame(site(`${DIR}x.js`, 1, 11), DIR, () => null)).toBe(`runService (${DIR}x.js:1:11)`);
  });
});
