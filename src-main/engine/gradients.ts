/**
 * Registers tfjs-core's gradient functions. tfjs-core's CommonJS bundle (what Node loads) leaves them
 * out (the `@tensorflow/tfjs` union package adds them); they only exist as ES modules with
 * extensionless relative imports, which Node's strict ESM resolver refuses. A resolve hook scoped to
 * tfjs-core's own `dist/` folder adds the `.js`. Ops in that ESM tree run on the same global engine
 * and registries as the CommonJS copy (tfjs keeps them on the global object), so this is safe.
 */
import { register } from 'node:module';

const hook = `
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (parent.includes('/@tensorflow/tfjs-core/dist/') && specifier.startsWith('.') && !specifier.endsWith('.js')) {
    const url = new URL(specifier + '.js', parent);
    if (existsSync(fileURLToPath(url))) return next(url.href, context);
  }
  return next(specifier, context);
}`;

let loaded: Promise<void> | undefined;

export function registerGradients(): Promise<void> {
  loaded ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return loaded;
}
