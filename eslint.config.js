// @ts-check
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
	globalIgnores(['dist/', '.astro/', 'data/', 'test-results/', 'bench-results/', 'coverage/']),
	js.configs.recommended,
	tseslint.configs.recommendedTypeChecked,
	{
		languageOptions: {
			parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
		},
		rules: {
			// `const { secret: _ignored, ...rest } = object` is how a field is left out.
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
			// The domain functions are async on purpose even where SQLite answers synchronously:
			// moving to PostgreSQL (DESIGN.md) must not change their callers.
			'@typescript-eslint/require-await': 'off',
		},
	},
	{
		files: ['tests/**/*.ts'],
		rules: {
			// Vitest types its asymmetric matchers (expect.any, expect.stringContaining) as any.
			'@typescript-eslint/no-unsafe-assignment': 'off',
		},
	},
	{
		files: ['src/**/*.ts'],
		// SQLite's own modules (FTS5 search, the page-generation look at the file) may.
		ignores: ['src/lib/server/search.ts', 'src/lib/server/page-generations.ts'],
		rules: {
			// The domain runs on SQLite and PostgreSQL (db/store.ts): a query is awaited. `.get()`,
			// `.all()` and `.run()` exist only on SQLite's driver and would fail on PostgreSQL at
			// run time, not in the type check (both engines share SQLite's types).
			'no-restricted-syntax': [
				'error',
				{
					selector:
						'CallExpression[arguments.length=0] > MemberExpression.callee[property.name=/^(get|all|run)$/]',
					message:
						'SQLite-only query call: await the query instead (or use sqliteOf(scope) in SQLite-only code).',
				},
			],
		},
	},
	astro.configs.recommended,
	// The TypeScript program does not see inside .astro files, so the rules that need types
	// cannot run there; the syntax-only rules still do.
	{ files: ['**/*.astro', '**/*.astro/*.ts'], extends: [tseslint.configs.disableTypeChecked] },
);
