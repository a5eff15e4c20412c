import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { resetStore } from '../store/index.js'

afterEach(() => {
  cleanup()
  resetStore()
})
