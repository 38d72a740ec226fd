import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The examples import the package by its name, as a service would; the tests run them
// on the sources, so they need no build and always see the current code.
export default mergeConfig(
  shared,
  defineConfig({
    resolve: {
      alias: [
        { find: /^@renueva\/domain$/, replacement: source('./src/index.ts') },
        { find: /^@renueva\/domain\/testing$/, replacement: source('./testing/index.ts') },
        {
          find: /^@renueva\/domain\/testing\/memory$/,
          replacement: source('./testing/memory/index.ts'),
        },
      ],
    },
  }),
);
