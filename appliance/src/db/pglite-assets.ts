import type { Extensions } from '@electric-sql/pglite';
import { existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
// Imported as files so `bun build --compile` embeds them: the binary must run copied alone, with
// no node_modules beside it to find PGlite's WebAssembly and its filesystem bundle.
import initdbWasmPath from '@electric-sql/pglite/initdb.wasm' with { type: 'file' };
import fsBundlePath from '@electric-sql/pglite/pglite.data' with { type: 'file' };
import pgliteWasmPath from '@electric-sql/pglite/pglite.wasm' with { type: 'file' };
// Not in the package's exports map, hence the path (the workspace hoists node_modules to the root).
import pgTrgmBundlePath from '../../../node_modules/@electric-sql/pglite/dist/pg_trgm.tar.gz' with {
  type: 'file',
};

/**
 * PGlite opens extension bundles with fs streams, which cannot read the compiled binary's embedded
 * files: those are copied once to a file named after their content.
 */
async function readableByStreams(path: string): Promise<URL> {
  if (!path.startsWith('/$bunfs/')) return pathToFileURL(path);
  const bytes = await Bun.file(path).bytes();
  const copy = join(tmpdir(), `paddock-${Bun.hash(bytes).toString(16)}-${basename(path)}`);
  if (!existsSync(copy)) {
    const partial = `${copy}.${process.pid}`;
    await Bun.write(partial, bytes);
    renameSync(partial, copy);
  }
  return pathToFileURL(copy);
}

/** PGlite's runtime assets, compiled once per process. */
export async function loadPgliteAssets(): Promise<{
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
  fsBundle: Blob;
  extensions: Extensions;
}> {
  const [pglite, initdb, bundle] = await Promise.all([
    Bun.file(pgliteWasmPath).arrayBuffer(),
    Bun.file(initdbWasmPath).arrayBuffer(),
    Bun.file(fsBundlePath).arrayBuffer(),
  ]);
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    WebAssembly.compile(pglite),
    WebAssembly.compile(initdb),
  ]);
  return {
    pgliteWasmModule,
    initdbWasmModule,
    fsBundle: new Blob([bundle]),
    // Trigram indexes for the VM search (migration 0002); PGlite reads the bundle from this path.
    extensions: {
      pg_trgm: {
        name: 'pg_trgm',
        setup: async () => ({ bundlePath: await readableByStreams(pgTrgmBundlePath) }),
      },
    },
  };
}
