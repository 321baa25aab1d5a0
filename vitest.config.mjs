// vitest for the Shopify app's extensions (integrations/shopify/extensions/*/tests): jsdom for
// the UI extension tester, Preact's JSX. `npm test` runs it (scripts/test.sh) after the build, which
// writes the pixel's generated engine (scripts/shopify-build.mjs).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    environment: 'jsdom',
    include: ['integrations/shopify/extensions/*/tests/**/*.test.{js,jsx}', 'integrations/shopify/tests/**/*.test.{js,jsx}'],
    // The differential test's cases, from the engine (cargo run --example thank_you_cases).
    globalSetup: ['integrations/shopify/tests/global-setup.mjs'],
    isolate: true,
    // The tester imports the extension's module itself: inlined, that import goes through
    // vite (JSX) instead of Node.
    server: { deps: { inline: ['@shopify/ui-extensions-tester'] } },
  },
});
