import type { Input, JobEventOf, MethodName, Output } from '../src-main/api/contract';

/** What the preload exposes as `window.llmdirec`: one function per contract method. */
export interface PreloadBridge {
  methods: { [M in MethodName]: (input: Input<M>) => Promise<Output<M>> };
  onEvent(listener: (event: JobEventOf) => void): () => void;
  /** Opens an allowlisted https link in the user's browser; resolves false when refused. */
  openExternal(url: string): Promise<boolean>;
}
