import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='core'][callee.property.name=/^getInput|getBooleanInput|getMultilineInput$/]",
          message: 'Inputs are read only in src/settings/inputs.ts.'
        }
      ]
    }
  },
  { files: ['src/settings/inputs.ts'], rules: { 'no-restricted-syntax': 'off' } },
  // Tests read API objects as loose JSON.
  { files: ['__tests__/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } }
)
