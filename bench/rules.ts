// `npm run bench:rules`: how many due instants a second `addBusinessMinutes` computes for
// a realistic mix of calendars, against the naive minute-walking loop in the same run.
// It prints figures and never asserts on timing; packages/rules/README.md keeps the last ones.
import type { BusinessCalendar } from '@flare/protocol'
import { addBusinessMinutes } from '@flare/rules'
import { referenceAddBusinessMs } from '../packages/rules/src/test/reference.js'

const MINUTE = 60_000
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const

const CALENDARS: BusinessCalendar[] = [
  {
    mode: 'same',
    timezone: 'America/New_York',
    workingDays: [...weekdays],
    start: '09:00',
    end: '17:00',
    holidays: ['2025-01-01', '2025-05-26', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25'],
  },
  {
    mode: 'per-day',
    timezone: 'Europe/London',
    days: {
      mon: [
        { start: '08:00', end: '12:30' },
        { start: '13:30', end: '18:00' },
      ],
      tue: [
        { start: '08:00', end: '12:30' },
        { start: '13:30', end: '18:00' },
      ],
      wed: [
        { start: '08:00', end: '12:30' },
        { start: '13:30', end: '18:00' },
      ],
      thu: [
        { start: '08:00', end: '12:30' },
        { start: '13:30', end: '18:00' },
      ],
      fri: [
        { start: '08:00', end: '12:30' },
        { start: '13:30', end: '16:00' },
      ],
      sat: [{ start: '09:00', end: '13:00' }],
    },
    holidays: ['2025-12-25', '2025-12-26', '2026-01-01'],
  },
  {
    mode: 'same',
    timezone: 'Asia/Kolkata',
    workingDays: [...weekdays, 'sat'],
    start: '09:30',
    end: '18:30',
  },
  {
    mode: 'per-day',
    timezone: 'Australia/Lord_Howe',
    days: {
      mon: [
        { start: '00:00', end: '06:00' },
        { start: '22:00', end: '24:00' },
      ],
      tue: [
        { start: '00:00', end: '06:00' },
        { start: '22:00', end: '24:00' },
      ],
      wed: [
        { start: '00:00', end: '06:00' },
        { start: '22:00', end: '24:00' },
      ],
      thu: [
        { start: '00:00', end: '06:00' },
        { start: '22:00', end: '24:00' },
      ],
      fri: [{ start: '00:00', end: '06:00' }],
    },
  },
  { mode: 'always', timezone: 'Europe/Berlin' },
]
const THRESHOLDS = [15, 30, 60, 120, 240, 480, 1440, 2880]
const FROM = Date.UTC(2024, 0, 1)
const SPAN = 3 * 365 * 1440 * MINUTE

// a fixed-seed generator: every run measures the same inputs
let seed = 0x2f6e2b1
function random(): number {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
  return seed / 2 ** 32
}

interface Case {
  calendar: BusinessCalendar
  from: Date
  minutes: number
}

function makeCases(count: number): Case[] {
  return Array.from({ length: count }, () => ({
    calendar: CALENDARS[Math.floor(random() * CALENDARS.length)]!,
    from: new Date(FROM + Math.floor(random() * SPAN)),
    minutes: THRESHOLDS[Math.floor(random() * THRESHOLDS.length)]!,
  }))
}

/** Calls a second over `cases`, in rounds of `batch` calls until `budgetMs` has passed. */
function measure(
  cases: readonly Case[],
  run: (c: Case) => number,
  budgetMs: number,
  batch: number,
): number {
  let done = 0
  let sink = 0
  const start = performance.now()
  while (performance.now() - start < budgetMs) {
    for (let i = 0; i < batch; i++) {
      sink += run(cases[done % cases.length]!)
      done++
    }
  }
  const seconds = (performance.now() - start) / 1000
  if (sink === 0) console.log('(nothing computed)')
  return done / seconds
}

const engineCases = makeCases(200_000)
const engine = (c: Case) => addBusinessMinutes(c.calendar, c.from, c.minutes).getTime()

const coldStart = performance.now()
for (const c of engineCases) engine(c)
const coldRate = engineCases.length / ((performance.now() - coldStart) / 1000)
const engineRate = measure(engineCases, engine, 3000, 1000)

const referenceCases = engineCases.slice(0, 2000)
const reference = (c: Case) =>
  referenceAddBusinessMs(c.calendar, c.from.getTime(), c.minutes * MINUTE, MINUTE)
const referenceRate = measure(referenceCases, reference, 5000, 1)

let mismatches = 0
for (const c of referenceCases.slice(0, 50)) if (engine(c) !== reference(c)) mismatches++

const format = (rate: number) => Math.round(rate).toLocaleString('en-US')
console.log(`calendars: ${CALENDARS.map((c) => `${c.mode} ${c.timezone}`).join(', ')}`)
console.log(`thresholds (minutes): ${THRESHOLDS.join(', ')}; instants over 2024-2026`)
console.log(`addBusinessMinutes, first pass (cold caches): ${format(coldRate)} due instants/s`)
console.log(`addBusinessMinutes (warm):                    ${format(engineRate)} due instants/s`)
console.log(`minute-walking reference:                     ${format(referenceRate)} due instants/s`)
console.log(`ratio: ${format(engineRate / referenceRate)}x`)
console.log(`engine and reference agree on ${50 - mismatches} of 50 cases`)
