/**
 * Multi-threaded WebAssembly under Node. tfjs-backend-wasm 4.22 ships a threaded SIMD build (XNNPACK
 * with a pthread pool) but uses it only in browsers (tensorflow/tfjs#3830), for two reasons that
 * this module works around while the backend initialises:
 * - its pthread workers load two scripts from Blob URLs (the worker script, and the module factory
 *   it runs), which Node's worker_threads cannot load: here both are written to a temporary folder
 *   and loaded from there (the worker script is the one tfjs ships, pointed at the factory's file);
 * - it halves the logical core count (assuming two hyper-threads per core), which gives a 2-core
 *   machine one thread: here the count is reported doubled during initialisation, so the pool can
 *   have as many threads as the machine has cores (the thread count asked for caps it).
 * XNNPACK splits a product's output tiles between threads, each computed as on one thread, so the
 * results do not depend on the thread count (test: wasm-threads.test.ts compares training losses).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** What the worker script does with the factory; replaced by loading the factory's file. */
const LOAD_FACTORY = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';

/**
 * The module-level bindings of tfjs's Node bundle that its factory function refers to
 * (`var require$$0 = require('fs');` …, `commonjsGlobal`): the factory is shipped to the workers as
 * source text, without its module scope.
 */
function factoryPrelude(): string {
  const bundle = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js'), 'utf8');
  const lines = bundle.match(/^var (?:require\$\$\d+ = require\('[\w:/]+'\)|commonjsGlobal = .*);$/gm) ?? [];
  if (!lines.some((l) => l.startsWith('var commonjsGlobal'))) throw new Error('tfjs-backend-wasm bundle layout not recognised');
  return lines.join('\n') + '\n';
}

/**
 * Runs `initialise` (which calls `tf.setBackend('wasm')` with the threaded build asked for) with that
 * build loadable under Node. Everything patched is restored before it returns.
 */
export async function withNodeWasmThreads<T>(initialise: () => Promise<T>): Promise<T> {
  const folder = mkdtempSync(join(os.tmpdir(), 'llmdirec-wasm-threads-'));
  // Workers may (re)load the scripts while the process lives: remove them when it ends.
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  const prelude = factoryPrelude();
  const NodeBlob = globalThis.Blob;
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  const texts = new WeakMap<Blob, string>();
  let factoryFile: string | undefined;
  class RecordingBlob extends NodeBlob {
    constructor(parts: BlobPart[] = [], options?: BlobPropertyBag) {
      super(parts, options);
      if (!parts.every((p) => typeof p === 'string')) return;
      const text = parts.join('');
      texts.set(this, text);
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        // A binding the prelude lacks would throw in the workers, where nothing can catch it: refuse here.
        const missing = [...new Set(text.match(/\b(?:require\$\$\d+|commonjsGlobal)\b/g))].filter((name) => !prelude.includes(`var ${name} =`));
        if (missing.length) throw new Error(`the threaded wasm factory refers to ${missing.join(', ')}, not defined by its bundle`);
        factoryFile = join(folder, 'factory.js');
        writeFileSync(factoryFile, prelude + text);
      }
    }
  }
  globalThis.Blob = RecordingBlob;
  URL.createObjectURL = (blob: Blob) => {
    const text = texts.get(blob);
    if (text === undefined || !text.includes(LOAD_FACTORY)) return createObjectURL(blob);
    if (!factoryFile) throw new Error('the threaded wasm module factory was not seen before its worker script');
    const workerFile = join(folder, 'worker.js');
    writeFileSync(workerFile, text.replace(LOAD_FACTORY, `if(true){importScripts(${JSON.stringify(factoryFile)})}`));
    return workerFile;
  };
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    return await initialise();
  } finally {
    globalThis.Blob = NodeBlob;
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}
