import { describe, expect, it } from '@jest/globals'
import { signCommand, verifyCommand } from '../../src/build/cosign.js'

const ref = 'ghcr.io/acme/api@sha256:' + 'a'.repeat(64)

describe('cosign command lines', () => {
  it.each<[string, string | undefined, boolean, string[]]>([
    [
      'with a key, into the transparency log',
      '/w/cosign.key',
      true,
      ['sign', '--yes', '--timeout=2m', '--tlog-upload=true', '--key', '/w/cosign.key', ref]
    ],
    [
      'with a key, offline',
      '/w/cosign.key',
      false,
      ['sign', '--yes', '--timeout=2m', '--tlog-upload=false', '--key', '/w/cosign.key', ref]
    ],
    ['keyless', undefined, true, ['sign', '--yes', '--timeout=2m', '--tlog-upload=true', ref]]
  ])('signs %s', (_, keyFile, tlog, args) => {
    expect(signCommand(ref, keyFile, tlog)).toEqual(args)
  })

  it.each<[string, Parameters<typeof verifyCommand>[1], string[]]>([
    [
      'by key, in the transparency log',
      { kind: 'key', publicKey: 'pem', transparencyLog: true },
      ['verify', '--timeout=2m', '--output=json', '--key', '/w/cosign.pub', ref]
    ],
    [
      'by key, offline',
      { kind: 'key', publicKey: 'pem', transparencyLog: false },
      ['verify', '--timeout=2m', '--output=json', '--key', '/w/cosign.pub', '--insecure-ignore-tlog=true', ref]
    ],
    [
      'keyless, by identity and issuer',
      {
        kind: 'keyless',
        identity: 'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main',
        issuer: 'https://token.actions.githubusercontent.com'
      },
      [
        'verify',
        '--timeout=2m',
        '--output=json',
        '--certificate-identity',
        'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main',
        '--certificate-oidc-issuer',
        'https://token.actions.githubusercontent.com',
        ref
      ]
    ]
  ])('verifies %s', (_, verifier, args) => {
    expect(verifyCommand(ref, verifier, '/w/cosign.pub')).toEqual(args)
  })
})
