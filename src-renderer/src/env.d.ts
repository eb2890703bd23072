/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** Contract method names, compiled in by electron.vite.config.ts (one source of truth). */
declare const __LLMDIREC_METHODS__: string[];

interface Window {
  llmdirec?: import('../../src-preload/bridge').PreloadBridge;
}
