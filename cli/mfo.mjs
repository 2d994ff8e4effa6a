#!/usr/bin/env node
// Launcher for the mfo CLI (cli/mfo.ts): tsx compiles the TypeScript on the fly, as for the gateway and worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./mfo.ts', import.meta.url);
