import { describe, expect, it } from '@jest/globals'
import { tlsAdvice } from '../../src/kube/client.js'

describe('tlsAdvice', () => {
  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', "not signed by the kubeconfig's certificate authority"],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', "not signed by the kubeconfig's certificate authority"],
    ['CERT_HAS_EXPIRED', 'has expired'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls-server-name']
  ])('%s', (code, advice) => {
    expect(tlsAdvice(code)).toContain(advice)
    expect(tlsAdvice(code)).toContain(code)
  })
  it('leaves other errors to their own message', () => {
    expect(tlsAdvice('ECONNREFUSED')).toBeUndefined()
  })
})
