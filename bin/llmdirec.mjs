#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so `npx llmdirec` works right after
// `npm ci` without a build step.
import { register } from 'tsx/esm/api';

register();
// `llmdirec … | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
