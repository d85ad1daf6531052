import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: ['../../libs/*', '../../apps/*'] }],
    },
  },
  {
    // The sample services are written as a user's app would be: package roots only.
    files: ['apps/orders/**/*.ts', 'apps/shipping/**/*.ts', 'apps/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../libs/*', '../../apps/*'], message: 'Import the package, not its folder.' },
            { group: ['@courier-nest/*/*'], message: 'Import from the package root: its index is the public API.' },
          ],
        },
      ],
    },
  },
);
