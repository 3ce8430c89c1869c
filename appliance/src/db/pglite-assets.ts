// Imported as files so `bun build --compile` embeds them: the binary must run copied alone, with
// no node_modules beside it to find PGlite's WebAssembly and its filesystem bundle.
import initdbWasmPath from '@electric-sql/pglite/initdb.wasm' with { type: 'file' };
import fsBundlePath from '@electric-sql/pglite/pglite.data' with { type: 'file' };
import pgliteWasmPath from '@electric-sql/pglite/pglite.wasm' with { type: 'file' };

/** PGlite's runtime assets, compiled once per process. */
export async function loadPgliteAssets(): Promise<{
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
  fsBundle: Blob;
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
  return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([bundle]) };
}
