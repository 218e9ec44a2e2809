import { describe, expect, it } from '@jest/globals'
import {
  canonicalRepository,
  parseImageRef,
  registryHost,
  repositoryOf,
  sameRepository
} from '../../src/build/image-ref.js'

describe('parseImageRef', () => {
  it.each([
    ['nginx', undefined, 'nginx', undefined, undefined],
    ['nginx:1.27', undefined, 'nginx', '1.27', undefined],
    ['localhost:5000/app:1', 'localhost:5000', 'app', '1', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['ghcr.io/acme/api:sha-1', 'ghcr.io', 'acme/api', 'sha-1', undefined],
    ['acme/api', undefined, 'acme/api', undefined, undefined],
    ['127.0.0.1:5000/a/b/c:v', '127.0.0.1:5000', 'a/b/c', 'v', undefined],
    [`r.io/x@sha256:${'a'.repeat(64)}`, 'r.io', 'x', undefined, `sha256:${'a'.repeat(64)}`],
    [`r.io:443/x:1@sha256:${'b'.repeat(64)}`, 'r.io:443', 'x', '1', `sha256:${'b'.repeat(64)}`]
  ])('%s', (text, domain, path, tag, digest) => {
    expect(parseImageRef(text)).toEqual({ domain, path, tag, digest })
  })

  it.each([
    ['', /empty/],
    ['Nginx', /lowercase/],
    ['nginx:', /not a tag/],
    ['nginx:-x', /not a tag/],
    ['a b', /white space/],
    ['x@sha256:short', /not a digest/],
    ['r.io//x', /path component ''/],
    ['-bad.io/x', /not a registry/]
  ])('rejects %j', (text, message) => {
    expect(() => parseImageRef(text)).toThrow(message)
  })
})

describe('repository comparison', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:1', true],
    ['nginx', 'index.docker.io/library/nginx', true],
    ['nginx', 'nginx-exporter', false],
    ['localhost:5000/app:1', 'localhost:5000/app@sha256:' + 'c'.repeat(64), true],
    ['localhost:5000/app', 'localhost:5001/app', false],
    ['acme/api', 'docker.io/acme/api', true],
    ['ghcr.io/acme/api', 'acme/api', false]
  ])('%s vs %s → %s', (a, b, same) => {
    expect(sameRepository(parseImageRef(a), parseImageRef(b))).toBe(same)
  })

  it('reports repository, canonical form and registry host', () => {
    const ref = parseImageRef('nginx:1')
    expect(repositoryOf(ref)).toBe('nginx')
    expect(canonicalRepository(ref)).toBe('docker.io/library/nginx')
    expect(registryHost(ref)).toBe('registry-1.docker.io')
    expect(registryHost(parseImageRef('localhost:5000/x'))).toBe('localhost:5000')
  })
})
