import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The CLI tests spawn processes and share a store per file: run files one at a time
// so two PGlite-backed processes never compete for the 2 cores with the rest.
export default mergeConfig(shared, defineConfig({ test: { fileParallelism: false } }));
