import type { Command } from '../command';
import { datasetCommands } from './dataset';
import { semanticCommands } from './semantic';
import { serveCommands } from './serve';

/** Every CLI command. Each capability adds its list here. */
export const commands: Command[] = [...datasetCommands, ...serveCommands, ...semanticCommands];
