// ESM throughout (@actions/* 3.x and @kubernetes/client-node 2.x ship only ESM), so jest runs under
// node --experimental-vm-modules (scripts/jest.sh) with ts-jest's ESM mode.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 30000
}
