/**
 * Stack traces from the bundle, mapped into src/ when they are formatted rather than when the
 * bundle loads. Node's own support (`--enable-source-maps`, `process.setSourceMapsEnabled`)
 * splits every loaded file into lines and parses its map at load time: about 30 ms on the way
 * to READY=1 and 10 ms of `--help`. Here a chunk's `.map` is read the first time one of its
 * frames is printed, and a frame outside the bundle (node_modules, node:) is left as it is.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A map and where it lives (its sources are relative to it). */
export interface LoadedMap {
  map: SourceMap;
  url: URL;
}

/** Map each stack frame in a file under `bundleDir` (a file: URL ending in `/`) into src/. Returns the uninstall function. */
export function installSourceMappedStacks(bundleDir: string): () => void {
  const previous = Error.prepareStackTrace;
  const maps = new Map<string, LoadedMap | null>();
  const mapFor = (file: string): LoadedMap | null => {
    if (!maps.has(file)) maps.set(file, loadMap(file));
    return maps.get(file) ?? null;
  };
  Error.prepareStackTrace = (error, frames) =>
    `${header(error)}${frames.map((site) => `\n    at ${formatFrame(site, bundleDir, mapFor)}`).join('')}`;
  return () => {
    Error.prepareStackTrace = previous;
  };
}

/** One frame as V8 prints it (`fn (file:line:col)`), with a bundle position replaced by its src/ one. */
export function formatFrame(site: NodeJS.CallSite, bundleDir: string, mapFor: (file: string) => LoadedMap | null): string {
  const text = site.toString();
  const file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!file || line === null || column === null || !file.startsWith(bundleDir)) return text;
  const loaded = mapFor(file);
  const entry = loaded?.map.findEntry(line - 1, column - 1);
  if (loaded === null || entry === undefined || !('originalSource' in entry)) return text;
  const source = fileURLToPath(new URL(entry.originalSource, loaded.url));
  return text.replace(`${file}:${line}:${column}`, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

// V8's first line: "TypeError: message".
function header(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

// The linked `<chunk>.cjs.map` beside a chunk; null when it is missing or unreadable (the frame stays as it is).
function loadMap(file: string): LoadedMap | null {
  try {
    const url = new URL(`${file}.map`);
    return { map: new SourceMap(JSON.parse(readFileSync(url, 'utf8'))), url };
  } catch {
    return null;
  }
}
