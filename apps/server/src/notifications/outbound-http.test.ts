import { describe, expect, it } from 'vitest'
import { isPrivateAddress, outboundUrlProblem } from './outbound-http.js'

describe('[12.5] outbound URLs reach public addresses only', () => {
  it('[12.5] private IPv4 ranges are refused, public ones pass', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34']) {
      expect(isPrivateAddress(address), address).toBe(false)
    }
  })

  it('[12.5] an IPv6 address that carries a private IPv4 address is refused in every spelling', () => {
    for (const address of [
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b::7f00:1',
      '64:ff9b:1::808:808',
      '2002:a00:1::',
      '2002:7f00:1::1',
      '::127.0.0.1',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      // IPv4-translated (SIIT), site-local, discard-only and documentation prefixes
      '::ffff:0:7f00:1',
      '::ffff:0:a00:1',
      'fec0::1',
      'feff::1',
      '100::1',
      '2001:db8::1',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    for (const address of [
      '2606:4700:4700::1111',
      '64:ff9b::808:808',
      '::ffff:8.8.8.8',
      '::ffff:0:808:808',
      '2002:808:808::1',
    ]) {
      expect(isPrivateAddress(address), address).toBe(false)
    }
  })

  it('[12.5] a URL naming such an address is refused when saved, as the URL parser writes it', async () => {
    for (const url of [
      'http://[64:ff9b::169.254.169.254]/',
      'http://[64:ff9b::a9fe:a9fe]/hook',
      'http://[::ffff:10.0.0.1]/',
      'https://[2002:c0a8:101::]/',
    ]) {
      expect(await outboundUrlProblem(url, false), url).toMatch(/private address/)
    }
    expect(await outboundUrlProblem('http://[64:ff9b::a9fe:a9fe]/', true)).toBeNull()
    expect(await outboundUrlProblem('http://[2606:4700:4700::1111]/', false)).toBeNull()
  })
})
