import type { Command } from '../command';
import { analysisCommands } from './analysis';
import { datasetCommands } from './dataset';
import { planCommands } from './plan';
import { semanticCommands } from './semantic';
import { serveCommands } from './serve';
import { trainCommands } from './train';

/** Every CLI command. Each capability adds its list here. */
export const commands: Command[] = [...datasetCommands, ...serveCommands, ...semanticCommands, ...analysisCommands, ...trainCommands, ...planCommands];
