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
	astro.configs.recommended,
	// The TypeScript program does not see inside .astro files, so the rules that need types
	// cannot run there; the syntax-only rules still do.
	{ files: ['**/*.astro', '**/*.astro/*.ts'], extends: [tseslint.configs.disableTypeChecked] },
);
