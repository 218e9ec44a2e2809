import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  credentialsOfEntry,
  credentialsOfHelperOutput,
  credentialStoreFor,
  dockerCredentials,
  helperCredentials,
  type DockerConfig
} from '../../src/build/docker-credentials.js'

const b64 = (text: string): string => Buffer.from(text).toString('base64')

describe('credentialStoreFor (the docker CLI order: credHelpers, credsStore, auths)', () => {
  const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
  it.each<[string, DockerConfig, string, ReturnType<typeof credentialStoreFor>]>([
    [
      'a credHelpers entry for the host, over credsStore',
      { credHelpers: { [ecr]: 'ecr-login' }, credsStore: 'desktop' },
      ecr,
      { kind: 'helper', helper: 'ecr-login', serverAddress: ecr, setting: 'credHelpers' }
    ],
    [
      'credsStore for a host without a credHelpers entry, over auths',
      { credHelpers: { [ecr]: 'ecr-login' }, credsStore: 'desktop', auths: { 'ghcr.io': { auth: b64('u:p') } } },
      'ghcr.io',
      { kind: 'helper', helper: 'desktop', serverAddress: 'ghcr.io', setting: 'credsStore' }
    ],
    [
      'the auths entry keyed by host',
      { auths: { 'ghcr.io': { auth: b64('u:p') } } },
      'ghcr.io',
      { kind: 'auths', entry: { auth: b64('u:p') } }
    ],
    [
      'the auths entry keyed by URL',
      { auths: { 'https://localhost:5000/v2/': { auth: b64('u:p') } } },
      'localhost:5000',
      { kind: 'auths', entry: { auth: b64('u:p') } }
    ],
    ['no entry of another host', { auths: { 'ghcr.io': { auth: b64('u:p') } } }, 'quay.io', { kind: 'auths' }],
    [
      "Docker Hub's helper, asked for the key docker login uses",
      { credHelpers: { 'https://index.docker.io/v1/': 'pass' } },
      'registry-1.docker.io',
      { kind: 'helper', helper: 'pass', serverAddress: 'https://index.docker.io/v1/', setting: 'credHelpers' }
    ],
    [
      'no Docker Hub helper under another key, as docker ignores it too',
      { credHelpers: { 'index.docker.io': 'pass' }, credsStore: 'desktop' },
      'registry-1.docker.io',
      { kind: 'helper', helper: 'desktop', serverAddress: 'https://index.docker.io/v1/', setting: 'credsStore' }
    ],
    [
      'the exact auths key over another naming the same host',
      { auths: { 'https://localhost:5000': { auth: b64('old:p') }, 'localhost:5000': { auth: b64('new:p') } } },
      'localhost:5000',
      { kind: 'auths', entry: { auth: b64('new:p') } }
    ],
    [
      "Docker Hub's auths entry",
      { auths: { 'https://index.docker.io/v1/': { auth: b64('u:p') } } },
      'registry-1.docker.io',
      { kind: 'auths', entry: { auth: b64('u:p') } }
    ]
  ])('%s', (_, config, host, expected) => {
    expect(credentialStoreFor(config, host)).toEqual(expected)
  })
})

describe('credentialsOfEntry', () => {
  it.each([
    [
      'auth as base64 user:password',
      { auth: b64('robot:pa:ss') },
      { username: 'robot', password: 'pa:ss', source: 's' }
    ],
    [
      'username and password fields',
      { username: 'robot', password: 'pw' },
      { username: 'robot', password: 'pw', source: 's' }
    ],
    [
      'an identity token',
      { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'refresh' },
      { username: '00000000-0000-0000-0000-000000000000', password: '', identityToken: 'refresh', source: 's' }
    ],
    ['an auth without a password as none', { auth: b64('robot') }, undefined],
    ['an empty entry (credsStore placeholders) as none', {}, undefined],
    ['no entry as none', undefined, undefined]
  ])('reads %s', (_, entry, expected) => {
    expect(credentialsOfEntry(entry, 's')).toEqual(expected)
  })
})

describe('credentialsOfHelperOutput', () => {
  it('reads a user and secret', () => {
    expect(
      credentialsOfHelperOutput('{"ServerURL":"r","Username":"AWS","Secret":"tok"}', 'docker-credential-ecr-login')
    ).toEqual({ username: 'AWS', password: 'tok', source: 'docker-credential-ecr-login' })
  })
  it("reads the <token> user's secret as an identity token", () => {
    expect(credentialsOfHelperOutput('{"Username":"<token>","Secret":"refresh"}', 'h')).toEqual({
      username: '',
      password: '',
      identityToken: 'refresh',
      source: 'h'
    })
  })
  it.each([
    ['output that is not JSON, by its size only', 'Secret=hunter2-secret', "h printed no JSON (21 bytes) for 'get'."],
    ['an answer without a Secret', '{"Username":"u"}', "h answered 'get' without a Secret."]
  ])('refuses %s', (_, stdout, message) => {
    const error = (() => {
      try {
        credentialsOfHelperOutput(stdout, 'h')
      } catch (e) {
        return e as Error
      }
    })()
    expect(error?.message).toBe(message)
    expect(error?.message).not.toContain('hunter2')
  })
})

describe('helperCredentials and dockerCredentials, with helper scripts of our own', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  const helper = (name: string, body: string): void => {
    const file = path.join(dir, `docker-credential-${name}`)
    writeFileSync(file, `#!/bin/sh\n${body}\n`)
    chmodSync(file, 0o755)
  }
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-credhelper-'))
    env = { PATH: `${dir}:${process.env.PATH}`, DOCKER_CONFIG: dir }
    // Echoes the server it was asked for, so the test sees what the helper got on stdin.
    helper(
      'good',
      'read server; [ "$1" = get ] || exit 3; printf \'{"ServerURL":"%s","Username":"robot","Secret":"s3cret-from-helper"}\' "$server"'
    )
    helper('echo', 'read server; printf \'{"Username":"%s","Secret":"x"}\' "$server"')
    helper('none', 'echo "credentials not found in native keychain"; exit 1')
    helper('broken', 'echo "first line" >&2; echo "keychain is locked" >&2; exit 2')
    // docker-credential-helpers' own helpers write their errors to stdout.
    helper('keychain', 'echo "The user name or passphrase you entered is not correct."; exit 1')
    helper('half', 'printf \'{"Username":"robot","Secret":"s3cret-half\'; exit 1')
    helper('stderr-notfound', 'echo "credentials not found in native keychain" >&2; exit 1')
    // A wrapper whose child outlives it and holds its pipes, as a script around aws or az does.
    helper('slow', `sleep 30 & echo $! > '${path.join(dir, 'slow.pid')}'; wait`)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const store = (name: string, serverAddress = 'registry.example:5000') =>
    ({ kind: 'helper', helper: name, serverAddress, setting: 'credsStore' }) as const

  it('passes the server on stdin and reads the answer', async () => {
    expect(await helperCredentials(store('good'), 5_000, env)).toEqual({
      credentials: { username: 'robot', password: 's3cret-from-helper', source: 'docker-credential-good' }
    })
    const hub = await helperCredentials(store('echo', 'https://index.docker.io/v1/'), 5_000, env)
    expect(hub.credentials?.username).toBe('https://index.docker.io/v1/')
  })

  it('reads "credentials not found" on stdout as anonymous, saying which helper had none', async () => {
    expect(await helperCredentials(store('none'), 5_000, env)).toEqual({
      none: 'docker-credential-none has no login for registry.example:5000'
    })
  })

  it.each([
    [
      'a failing helper by the last line of its stderr',
      'broken',
      "docker-credential-broken (the Docker config's credsStore) failed on 'get' for registry.example:5000 (exit code 2): keychain is locked."
    ],
    [
      'a failing helper by the last line of its stdout when stderr is empty',
      'keychain',
      "docker-credential-keychain (the Docker config's credsStore) failed on 'get' for registry.example:5000 (exit code 1): The user name or passphrase you entered is not correct."
    ],
    [
      'a half-written answer without quoting it',
      'half',
      "docker-credential-half (the Docker config's credsStore) failed on 'get' for registry.example:5000 (exit code 1)."
    ],
    [
      '"not found" on stderr as a failure, as docker reads only stdout',
      'stderr-notfound',
      "docker-credential-stderr-notfound (the Docker config's credsStore) failed on 'get' for registry.example:5000 (exit code 1): credentials not found in native keychain."
    ]
  ])('reports %s', async (_, name, message) => {
    const error = (await helperCredentials(store(name), 5_000, env).catch((e: Error) => e)) as Error
    expect(error.message).toBe(message)
    expect(error.message).not.toContain('s3cret')
  })

  it('stops a helper that does not answer in time, and what it started', async () => {
    const started = Date.now()
    const error = (await helperCredentials(store('slow'), 300, env).catch((e: Error) => e)) as Error
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(error.message).toBe(
      "docker-credential-slow (the Docker config's credsStore) did not answer 'get' for registry.example:5000 within 0.3 s."
    )
    // Gone, or dead and waiting for a PID 1 that may never reap it (a container's): state Z.
    const child = Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8'))
    await new Promise(resolve => setTimeout(resolve, 200))
    const state = (() => {
      try {
        return readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1][0]
      } catch {
        return 'gone'
      }
    })()
    expect(['gone', 'Z']).toContain(state)
  })

  it('names a helper that is not installed, and the setting that names it', async () => {
    const error = (await helperCredentials(store('absent'), 5_000, env).catch((e: Error) => e)) as Error
    expect(error.message).toMatch(
      /^The Docker config's credsStore names the credential helper 'absent' for registry\.example:5000, but docker-credential-absent is not on PATH \(/
    )
  })

  it('finds credentials through $DOCKER_CONFIG/config.json', async () => {
    const file = path.join(dir, 'config.json')
    const config = (value: unknown): void => writeFileSync(file, JSON.stringify(value))
    config({ credHelpers: { 'registry.example:5000': 'good' } })
    expect((await dockerCredentials('registry.example:5000', env)).credentials?.password).toBe('s3cret-from-helper')
    expect(await dockerCredentials('other.example', env)).toEqual({ none: `${file} has no login for other.example` })
    config({ auths: { 'https://other.example': { auth: b64('me:pw') } } })
    expect(await dockerCredentials('other.example', env)).toEqual({
      credentials: { username: 'me', password: 'pw', source: `the docker login in ${file}` }
    })
    writeFileSync(file, '{"auths": {"x": {"auth": "c2VjcmV0"')
    expect((await dockerCredentials('other.example', env)).credentials).toBeUndefined()
    rmSync(file)
    expect((await dockerCredentials('other.example', env)).credentials).toBeUndefined()
  })
})
