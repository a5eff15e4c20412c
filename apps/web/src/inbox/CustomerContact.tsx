import type { TicketDto } from '@flare/protocol'
import { customerName } from './format.js'

/**
 * The customer as staff know them: their name, then the phone and email they wrote from. Each
 * part is isolated from the others' writing direction: a right-to-left name beside a number
 * turned "+15557770001" into "15557770001+" and swapped the two, and an agent could dial it.
 */
export function CustomerContact({ customer }: { customer: TicketDto['customer'] }) {
  const shownName = customerName(customer)
  // the name, else the number or address it falls back to
  const named = customer.name !== null
  return (
    <>
      {named ? <bdi>{shownName}</bdi> : <span dir="ltr">{shownName}</span>}
      {named && customer.phone && (
        <>
          {' · '}
          <span dir="ltr">{customer.phone}</span>
        </>
      )}
      {customer.email && customer.email !== shownName && (
        <>
          {' · '}
          <span dir="ltr">{customer.email}</span>
        </>
      )}
    </>
  )
}
