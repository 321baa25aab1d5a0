// vitest for the Shopify app's extensions (integrations/shopify/extensions/*/tests): jsdom for
// the UI extension tester, Preact's JSX. `npm test` runs it through scripts/test-shopify.sh.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    environment: 'jsdom',
    include: ['integrations/shopify/extensions/*/tests/**/*.test.{js,jsx}', 'integrations/shopify/tests/**/*.test.{js,jsx}'],
    isolate: true,
    // The tester imports the extension's module itself: inlined, that import goes through
    // vite (JSX) instead of Node.
    server: { deps: { inline: ['@shopify/ui-extensions-tester'] } },
  },
});
