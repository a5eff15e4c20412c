import { describe, expect, it } from 'vitest'
import { fitsOneSms, renderSmsWithin, smsLength } from './sms.js'

describe('SMS length as a provider counts it', () => {
  it('[7.4] counts GSM-7 septets, extension characters twice', () => {
    expect(smsLength('Hello')).toEqual({ encoding: 'GSM-7', units: 5, limit: 160 })
    expect(smsLength('5€ {ok}')).toEqual({ encoding: 'GSM-7', units: 10, limit: 160 })
    expect(fitsOneSms('a'.repeat(160))).toBe(true)
    expect(fitsOneSms('a'.repeat(161))).toBe(false)
    expect(fitsOneSms(`${'a'.repeat(159)}€`)).toBe(false)
  })

  it('[7.4] falls back to UCS-2 (70 a message) for anything outside the GSM alphabet', () => {
    expect(smsLength('Olá 😀')).toEqual({ encoding: 'UCS-2', units: 6, limit: 70 })
    expect(smsLength('Zoë')).toEqual({ encoding: 'UCS-2', units: 3, limit: 70 })
    expect(fitsOneSms('ë'.repeat(70))).toBe(true)
    expect(fitsOneSms('ë'.repeat(71))).toBe(false)
  })

  it('[6.5.3] shortens the excerpt, never the link, until the message fits one SMS', () => {
    const link = 'https://flare.example.com/t/0b4f3c1e-9a55-4c55-9d0f-2b7a4a1a9f11'
    const text = renderSmsWithin(
      'Flare: {customer_name} waiting: "{transcript_excerpt}" {link}',
      { customer_name: 'Maria Lopez', transcript_excerpt: 'x'.repeat(300), link },
      ['transcript_excerpt', 'customer_name'],
    )
    expect(fitsOneSms(text)).toBe(true)
    expect(text).toContain(link)
    expect(text).toContain('Maria Lopez')
    expect(text).toMatch(/x\.\.\." /)
    expect(smsLength(text).units).toBeGreaterThan(150)
  })

  it('[7.4] leaves a message that fits as it is', () => {
    expect(renderSmsWithin('Hi {customer_name}', { customer_name: 'Ana' }, ['customer_name'])).toBe(
      'Hi Ana',
    )
  })
})
